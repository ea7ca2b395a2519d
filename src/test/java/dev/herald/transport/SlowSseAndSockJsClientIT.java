package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.TestNodes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SlowClientIT} for SSE and for SockJS over WebSocket: a client with a tiny receive buffer stops reading
 * while 3,000 messages of about 1 KB flow (far more than the kernel buffers hold). A reading client gets every
 * message; the node's unsent bytes for the slow one reach the bound and stay under it; once the slow client reads
 * again it ends with every message, in the reading client's order. And a SockJS client that reads steadily but
 * behind its queue is not taken for an idle one.
 */
class SlowSseAndSockJsClientIT {

  private static final int MESSAGES = 3_000;
  private static final int BOUND = 64 * 1024;
  private static final String CHANNEL = "thread:slow";
  /** One message frame (and its transport's framing) over the bound. */
  private static final int SLACK = 4 * 1024;

  private Vertx vertx;
  private HeraldNode node;
  private final List<Runnable> closers = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  /** One node per test (a Vert.x instance holds one): {@code transport} is its transport section. */
  private HeraldNode startNode(JsonObject transport) {
    return TestNodes.start(vertx, TestNodes.memory().put("transport", transport)
        .put("history", new JsonObject().put("size", MESSAGES * 2)));
  }

  @AfterEach
  void stop() {
    closers.forEach(Runnable::run);
    if (node != null) {
      Await.of(node.stop(0), 30);
    }
    Await.of(vertx.close(), 30);
  }

  /** A subscriber whose reads can be stopped and started; records the {@code n} of every message in order. */
  private interface Client {
    List<Integer> received();

    boolean subscribed();

    void pause();

    void resume();
  }

  /** A SockJS client that can also read a few messages at a time while paused. */
  private interface SockJsClient extends Client {
    /** While paused, reads {@code n} more messages. */
    void fetch(int n);

    /** True once the server closed the connection. */
    boolean closed();
  }

  @Test
  void slowSseClientDoesNotDelayOthersAndCatchesUpInOrder() {
    slowClient(this::sse);
  }

  @Test
  void slowSockJsWebSocketClientDoesNotDelayOthersAndCatchesUpInOrder() {
    slowClient(this::sockJs);
  }

  /**
   * Frames stay queued for a client that reads slower than they come, yet it reads: its heartbeats must keep it
   * open. It used to be closed as idle when a frame was queued at every heartbeat.
   */
  @Test
  void sockJsClientThatReadsSteadilyBehindItsQueueIsNotClosedAsIdle() {
    node = startNode(new JsonObject().put("maxBufferedBytes", 64 << 20).put("stallTimeoutMs", 120_000)
        .put("heartbeatMs", 100).put("idleTimeoutMs", 600));
    SockJsClient client = sockJs();
    waitFor(client::subscribed);
    client.pause();
    // 3 MB, far more than the kernel buffers hold for a 4 KiB receive buffer: the node queues most of it.
    publishAll();
    // About 500 messages a second: draining the queue takes seconds, many idle timeouts.
    long reader = vertx.setPeriodic(20, t -> client.fetch(10));
    waitFor(() -> client.received().size() >= MESSAGES || client.closed());
    vertx.cancelTimer(reader);
    assertThat(client.closed()).as("closed by the server").isFalse();
    assertThat(client.received()).containsExactlyInAnyOrderElementsOf(range());
  }

  private void slowClient(java.util.function.Supplier<Client> connect) {
    node = startNode(new JsonObject().put("maxBufferedBytes", BOUND).put("stallTimeoutMs", 120_000));
    Client fast = connect.get();
    Client slow = connect.get();
    waitFor(() -> fast.subscribed() && slow.subscribed());
    slow.pause();

    publishAll();

    waitFor(() -> fast.received().size() >= MESSAGES);
    // Sixteen publishes are in flight at once, so the channel's order is the order they reached the node.
    assertThat(fast.received()).hasSize(MESSAGES).containsExactlyInAnyOrderElementsOf(range());
    assertThat(slow.received().size()).isLessThan(MESSAGES);
    long peak = Await.of(node.peakBufferedBytes());
    // Reaching the bound shows the node saw the paused client (its writes stopped completing); staying within a
    // frame of it shows it held no more than the bound for it.
    assertThat(peak).isGreaterThanOrEqualTo(BOUND).isLessThanOrEqualTo(BOUND + SLACK);

    slow.resume();
    waitFor(() -> slow.received().size() >= MESSAGES);
    assertThat(slow.received()).containsExactlyElementsOf(fast.received());
  }

  private void publishAll() {
    String padding = "x".repeat(1000);
    Context context = vertx.getOrCreateContext();
    HttpClient http = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(16));
    RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(node.port()).setURI("/api/publish");
    for (int from = 0; from < MESSAGES; from += 16) {
      List<Future<Integer>> batch = new ArrayList<>();
      for (int n = from; n < Math.min(MESSAGES, from + 16); n++) {
        Buffer body = new JsonObject().put("channel", CHANNEL)
            .put("data", new JsonObject().put("n", n).put("pad", padding)).toBuffer();
        // Built on an event loop: chained from the test thread, the body handler could come after the response.
        Promise<Integer> status = Promise.promise();
        context.runOnContext(v -> http.request(post).compose(r -> r.putHeader("Authorization", "Bearer "
            + TestNodes.PUBLISH_KEY).send(body)).compose(r -> r.body().map(b -> r.statusCode()))
            .onComplete(status));
        batch.add(status.future());
      }
      batch.forEach(f -> assertThat(Await.of(f)).isEqualTo(202));
    }
    Await.of(http.close());
  }

  /** An SSE stream on a connection with a 4 KiB receive buffer; pausing the response stops reading the socket. */
  private Client sse() {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setReceiveBufferSize(4096));
    List<Integer> received = new CopyOnWriteArrayList<>();
    AtomicBoolean subscribed = new AtomicBoolean();
    Context ctx = vertx.getOrCreateContext();
    StringBuilder pending = new StringBuilder();
    RequestOptions get = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(node.port())
        .setURI("/sse?channels=" + CHANNEL);
    Promise<HttpClientResponse> opened = Promise.promise();
    // The handler is set on the event loop as the head arrives, so no early event is missed.
    ctx.runOnContext(v -> client.request(get).compose(r -> r.send()).map(resp -> {
      resp.exceptionHandler(e -> { });
      resp.handler(b -> {
        pending.append(b.toString());
        int end;
        while ((end = pending.indexOf("\n\n")) >= 0) {
          String block = pending.substring(0, end);
          pending.delete(0, end + 2);
          String type = "message";
          String data = null;
          for (String line : block.split("\n")) {
            if (line.startsWith("event: ")) {
              type = line.substring(7);
            } else if (line.startsWith("data: ")) {
              data = line.substring(6);
            }
          }
          if ("subscribed".equals(type)) {
            subscribed.set(true);
          } else if ("message".equals(type) && data != null) {
            received.add(new JsonObject(data).getJsonObject("data").getInteger("n"));
          }
        }
      });
      return resp;
    }).onComplete(opened));
    HttpClientResponse response = Await.of(opened.future(), 10);
    assertThat(response.statusCode()).isEqualTo(200);
    closers.add(() -> {
      try {
        Await.of(response.request().connection().close(), 5);
      } catch (Exception ignored) {
        // already gone
      }
      Await.of(client.close(), 5);
    });
    return new Client() {
      public List<Integer> received() {
        return received;
      }

      public boolean subscribed() {
        return subscribed.get();
      }

      public void pause() {
        onLoop(ctx, response::pause);
      }

      public void resume() {
        onLoop(ctx, response::resume);
      }
    };
  }

  /** SockJS over WebSocket ({@code /rt/000/<session>/websocket}) with a 4 KiB receive buffer. */
  private SockJsClient sockJs() {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(4096)
        .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 21));
    List<Integer> received = new CopyOnWriteArrayList<>();
    AtomicBoolean subscribed = new AtomicBoolean();
    Context ctx = vertx.getOrCreateContext();
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
        .setURI("/rt/000/" + UUID.randomUUID().toString().replace("-", "") + "/websocket");
    Promise<WebSocket> opened = Promise.promise();
    AtomicBoolean closed = new AtomicBoolean();
    ctx.runOnContext(v -> client.connect(o).map(ws -> {
      ws.exceptionHandler(e -> { });
      ws.closeHandler(e -> closed.set(true));
      ws.textMessageHandler(text -> {
        if (!text.startsWith("a")) {
          return; // "o" and "h" carry no Herald frame
        }
        for (Object s : new JsonArray(text.substring(1))) {
          JsonObject f = new JsonObject((String) s);
          if ("subscribed".equals(f.getString("op"))) {
            subscribed.set(true);
          } else if ("message".equals(f.getString("op"))) {
            received.add(f.getJsonObject("data").getInteger("n"));
          }
        }
      });
      return ws;
    }).onComplete(opened));
    WebSocket ws = Await.of(opened.future(), 10);
    Await.of(ws.writeTextMessage(new JsonArray().add(new JsonObject().put("op", "subscribe")
        .put("channels", List.of(CHANNEL)).encode()).encode()), 10);
    closers.add(() -> {
      try {
        Await.of(ws.close(), 5);
      } catch (Exception ignored) {
        // already gone
      }
      Await.of(client.close(), 5);
    });
    return new SockJsClient() {
      public List<Integer> received() {
        return received;
      }

      public boolean subscribed() {
        return subscribed.get();
      }

      public void pause() {
        onLoop(ctx, ws::pause);
      }

      public void resume() {
        onLoop(ctx, ws::resume);
      }

      public void fetch(int n) {
        ctx.runOnContext(v -> ws.fetch(n));
      }

      public boolean closed() {
        return closed.get();
      }
    };
  }

  /** Runs {@code action} on the client's event loop (where its handlers run), and waits for it. */
  private static void onLoop(Context ctx, Runnable action) {
    Promise<Void> done = Promise.promise();
    ctx.runOnContext(v -> {
      action.run();
      done.complete();
    });
    Await.of(done.future(), 10);
  }

  private static List<Integer> range() {
    List<Integer> r = new ArrayList<>(MESSAGES);
    for (int i = 0; i < MESSAGES; i++) {
      r.add(i);
    }
    return r;
  }

  /** Polls every 20 ms, failing after 60 s. */
  private static void waitFor(BooleanSupplier done) {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not done within 60 s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }
}
