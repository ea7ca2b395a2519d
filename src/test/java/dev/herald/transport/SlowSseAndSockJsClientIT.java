package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.metrics.Meters;
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
import io.vertx.core.http.HttpVersion;
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
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SlowClientIT} for SSE and for SockJS over WebSocket: a client with a tiny receive buffer stops reading
 * while 3,000 messages of about 1 KB flow (far more than the kernel buffers hold). A reading client gets every
 * message; the node's unsent bytes for the slow one reach the bound and stay under it; once the slow client reads
 * again it ends with every message, in the reading client's order. And on every streaming transport (the raw
 * WebSocket too) a client that reads steadily but behind its queue is not taken for an idle one, while a client that
 * stopped reading is closed, its connection cut.
 */
class SlowSseAndSockJsClientIT {

  private static final int MESSAGES = 3_000;
  private static final int BOUND = 64 * 1024;
  private static final String CHANNEL = "thread:slow";
  /** One message frame (and its transport's framing) over the bound. */
  private static final int SLACK = 4 * 1024;
  /** SSE through Vert.x's response (cleartext HTTP/2 with prior knowledge), not on a channel taken from Vert.x. */
  private static final String SSE_OVER_HTTP2 = "sse over HTTP/2";
  /** SSE through Vert.x's response too: an HTTP/1.0 stream ends with its connection. */
  private static final String SSE_OVER_HTTP1_0 = "sse over HTTP/1.0";

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

    /** While paused, reads {@code n} more messages (SSE: chunks of the response, one event each). */
    void fetch(int n);

    /** True once the server closed the connection. */
    boolean closed();
  }

  @Test
  void slowSseClientDoesNotDelayOthersAndCatchesUpInOrder() {
    slowClient(() -> sse(HttpVersion.HTTP_1_1));
  }

  @Test
  void slowSockJsWebSocketClientDoesNotDelayOthersAndCatchesUpInOrder() {
    slowClient(this::sockJs);
  }

  /**
   * Frames stay queued for a client that reads slower than they come, yet it reads: its heartbeats must keep it
   * open. It used to be closed as idle when a frame was queued at every heartbeat (SockJS), or when the answer to a
   * heartbeat (a pong, the SSE comment reaching the kernel) waited behind the queue longer than the idle timeout.
   */
  @ParameterizedTest
  @ValueSource(strings = {Meters.WEBSOCKET, Meters.SSE, Meters.SOCKJS, SSE_OVER_HTTP2, SSE_OVER_HTTP1_0})
  void clientThatReadsSteadilyBehindItsQueueIsNotClosedAsIdle(String transport) {
    // 9 MB. The node's kernel takes up to 4 MB of it (loopback autotunes the send buffer that far) and lets the node
    // write more only once a good part of that has gone, a megabyte or more at a time: the idle timeout is set above
    // the time the client takes to read that much.
    Client client = pausedBehindItsQueue(transport, 200, 2_500, 3_000);
    // About 400 messages (1.2 MB) a second: the queue takes seconds, a few idle timeouts.
    long reader = vertx.setPeriodic(20, t -> client.fetch(8));
    waitFor(() -> client.received().size() >= MESSAGES || client.closed());
    assertThat(client.received()).containsExactlyInAnyOrderElementsOf(range());
    // A session closed as idle would still have let its queue go first: the session must still deliver.
    publish(MESSAGES, MESSAGES + 1, 10);
    waitFor(() -> client.received().size() > MESSAGES || client.closed());
    vertx.cancelTimer(reader);
    assertThat(client.closed()).as("closed by the server").isFalse();
    assertThat(client.received()).hasSize(MESSAGES + 1).endsWith(MESSAGES);
  }

  /**
   * The other side of the test above: a client that stops reading with its queue full is closed as idle, and its
   * connection is cut after the closing timeout, although the last bytes the node writes (a close frame, the end of
   * the SSE response) can never leave. It used to stay open with its queue (SSE, and SockJS, whose connection is
   * Vert.x's: it starts its closing timeout only once the close frame is written).
   */
  @ParameterizedTest
  @ValueSource(strings = {Meters.WEBSOCKET, Meters.SSE, Meters.SOCKJS, SSE_OVER_HTTP2, SSE_OVER_HTTP1_0})
  void clientThatStopsReadingBehindItsQueueIsClosed(String transport) {
    Client client = pausedBehindItsQueue(transport, 100, 600, 1_000);
    String meter = transport.startsWith(Meters.SSE) ? Meters.SSE : transport;
    waitFor(() -> cutConnections(meter) == 1 && openConnections(meter) == 0);
    client.resume();
    waitFor(client::closed);
  }

  /**
   * A node with a queue bound no test reaches, and one subscriber on {@code transport} that stopped reading before
   * {@link #MESSAGES} messages of about {@code bytes} each were published.
   */
  private Client pausedBehindItsQueue(String transport, long heartbeatMs, long idleTimeoutMs, int bytes) {
    node = startNode(new JsonObject().put("maxBufferedBytes", 64 << 20).put("stallTimeoutMs", 120_000)
        .put("heartbeatMs", heartbeatMs).put("idleTimeoutMs", idleTimeoutMs));
    Client client = connect(transport);
    waitFor(client::subscribed);
    client.pause();
    publishAll(bytes);
    return client;
  }

  private double cutConnections(String transport) {
    return node.metrics().registry().get(Meters.CONNECTIONS_CUT).tag(Meters.TRANSPORT, transport).counter().count();
  }

  private double openConnections(String transport) {
    return node.metrics().registry().get(Meters.CONNECTIONS).tag(Meters.TRANSPORT, transport).gauge().value();
  }

  private Client connect(String transport) {
    return switch (transport) {
      case Meters.WEBSOCKET -> webSocket();
      case Meters.SSE -> sse(HttpVersion.HTTP_1_1);
      case SSE_OVER_HTTP2 -> sse(HttpVersion.HTTP_2);
      case SSE_OVER_HTTP1_0 -> sse(HttpVersion.HTTP_1_0);
      default -> sockJs();
    };
  }

  private void slowClient(java.util.function.Supplier<Client> connect) {
    node = startNode(new JsonObject().put("maxBufferedBytes", BOUND).put("stallTimeoutMs", 120_000));
    Client fast = connect.get();
    Client slow = connect.get();
    waitFor(() -> fast.subscribed() && slow.subscribed());
    slow.pause();

    publishAll(1_000);

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

  /** Publishes {@link #MESSAGES} messages of about {@code bytes} each, 16 at a time. */
  private void publishAll(int bytes) {
    publish(0, MESSAGES, bytes);
  }

  /** Publishes messages {@code first} to {@code end} (exclusive) of about {@code bytes} each, 16 at a time. */
  private void publish(int first, int end, int bytes) {
    String padding = "x".repeat(bytes);
    Context context = vertx.getOrCreateContext();
    HttpClient http = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(16));
    RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(node.port()).setURI("/api/publish");
    for (int from = first; from < end; from += 16) {
      List<Future<Integer>> batch = new ArrayList<>();
      for (int n = from; n < Math.min(end, from + 16); n++) {
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

  /**
   * An SSE stream in {@code version} on a connection with a 4 KiB receive buffer; pausing the response stops reading
   * the socket (HTTP/1.1) or the stream's flow-control window (HTTP/2).
   */
  private Client sse(HttpVersion version) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setReceiveBufferSize(4096)
        .setProtocolVersion(version).setHttp2ClearTextUpgrade(false));
    List<Integer> received = new CopyOnWriteArrayList<>();
    AtomicBoolean subscribed = new AtomicBoolean();
    Context ctx = vertx.getOrCreateContext();
    StringBuilder pending = new StringBuilder();
    RequestOptions get = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(node.port())
        .setURI("/sse?channels=" + CHANNEL);
    Promise<HttpClientResponse> opened = Promise.promise();
    AtomicBoolean closed = new AtomicBoolean();
    // The handler is set on the event loop as the head arrives, so no early event is missed.
    ctx.runOnContext(v -> client.request(get).compose(r -> r.send()).map(resp -> {
      // A reset HTTP/2 stream ends with an exception, its connection staying open.
      resp.exceptionHandler(e -> closed.set(true));
      resp.request().connection().closeHandler(c -> closed.set(true));
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
      } catch (Exception | AssertionError ignored) {
        // already gone, or its close still waits behind what the node queued
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

      public void fetch(int n) {
        ctx.runOnContext(v -> response.fetch(n));
      }

      public boolean closed() {
        return closed.get();
      }
    };
  }

  /** SockJS over WebSocket ({@code /rt/000/<session>/websocket}) with a 4 KiB receive buffer. */
  private Client sockJs() {
    return overWebSocket("/rt/000/" + UUID.randomUUID().toString().replace("-", "") + "/websocket", text -> {
      if (!text.startsWith("a")) {
        return List.of(); // "o" and "h" carry no Herald frame
      }
      List<JsonObject> frames = new ArrayList<>();
      for (Object s : new JsonArray(text.substring(1))) {
        frames.add(new JsonObject((String) s));
      }
      return frames;
    }, new JsonArray().add(new JsonObject().put("op", "subscribe").put("channels", List.of(CHANNEL)).encode())
        .encode());
  }

  /** A raw WebSocket ({@code /ws}) with a 4 KiB receive buffer; Vert.x answers the node's pings as it reads them. */
  private Client webSocket() {
    return overWebSocket("/ws?channels=" + CHANNEL, text -> List.of(new JsonObject(text)), null);
  }

  /**
   * A WebSocket client with a 4 KiB receive buffer on {@code uri}: {@code frames} makes Herald frames of a text
   * message, {@code subscribe} (or null) is sent once connected.
   */
  private Client overWebSocket(String uri, Function<String, List<JsonObject>> frames, String subscribe) {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(4096)
        .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 21));
    List<Integer> received = new CopyOnWriteArrayList<>();
    AtomicBoolean subscribed = new AtomicBoolean();
    AtomicBoolean closed = new AtomicBoolean();
    Context ctx = vertx.getOrCreateContext();
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port()).setURI(uri);
    Promise<WebSocket> opened = Promise.promise();
    ctx.runOnContext(v -> client.connect(o).map(ws -> {
      ws.exceptionHandler(e -> { });
      ws.closeHandler(e -> closed.set(true));
      ws.textMessageHandler(text -> {
        for (JsonObject f : frames.apply(text)) {
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
    if (subscribe != null) {
      Await.of(ws.writeTextMessage(subscribe), 10);
    }
    closers.add(() -> {
      try {
        Await.of(ws.close(), 5);
      } catch (Exception | AssertionError ignored) {
        // already gone, or its close still waits behind what the node queued
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
