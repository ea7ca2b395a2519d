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
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Resume after a forced disconnect while messages keep flowing, for {@code /ws} and SockJS over WebSocket: a
 * publisher posts a numbered stream one message at a time; the client's TCP connection is closed under it
 * mid-stream; a new connection subscribes with {@code since} = the id of the last message it got, and in the end
 * the client has every number exactly once, in order. (SSE has the same test in {@link SseIT}.)
 */
class ResumeWhileFlowingIT {

  private static final int TOTAL = 300;
  /** The client drops its connection once it has this many messages. */
  private static final int DROP_AFTER = 50;
  /** The publisher waits at this number until the connection is dropped, so the rest flow across the switch. */
  private static final int GATE = 100;
  private static final String CHANNEL = "thread:flow";

  private Vertx vertx;
  private HeraldNode node;
  private final List<WebSocketClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    node = TestNodes.start(vertx, TestNodes.memory()
        .put("history", new JsonObject().put("size", TOTAL * 2)));
  }

  @AfterEach
  void stop() {
    clients.forEach(c -> Await.of(c.close(), 5));
    Await.of(node.stop(0), 30);
    Await.of(vertx.close(), 30);
  }

  @Test
  void webSocketResumesWithNoGapAndNoDuplicate() {
    resumeWhileFlowing(false);
  }

  @Test
  void sockJsOverWebSocketResumesWithNoGapAndNoDuplicate() {
    resumeWhileFlowing(true);
  }

  private void resumeWhileFlowing(boolean sockJs) {
    FrameClient first = FrameClient.connect(this, sockJs);
    first.send(subscribe(null));
    JsonObject subscribed = first.nextOp("subscribed");
    assertThat(subscribed.getString("channel")).isEqualTo(CHANNEL);

    Promise<Void> dropped = Promise.promise();
    Future<Void> published = publishSequentially(dropped.future());

    List<Integer> got = new ArrayList<>();
    String lastId = null;
    while (got.size() < DROP_AFTER) {
      JsonObject m = first.nextOp("message");
      got.add(m.getInteger("data"));
      lastId = m.getString("id");
    }
    first.drop();
    first.awaitClosed();
    // Whatever arrived before the connection went down was received: it counts, and the last one is the position.
    for (JsonObject m : first.remainingMessages()) {
      got.add(m.getInteger("data"));
      lastId = m.getString("id");
    }
    assertThat(got.size()).isLessThanOrEqualTo(GATE);
    dropped.complete();

    FrameClient again = FrameClient.connect(this, sockJs);
    again.send(subscribe(lastId));
    JsonObject resubscribed = again.nextOp("subscribed");
    assertThat(resubscribed.getBoolean("recovered")).isTrue();
    while (got.size() < TOTAL) {
      got.add(again.nextOp("message").getInteger("data"));
    }
    Await.of(published, 60);
    assertThat(got).containsExactlyElementsOf(range(1, TOTAL));

    // Nothing after the stream's end either: the next message is the marker, not a late duplicate.
    HttpClient http = vertx.createHttpClient();
    Await.of(publish(http, TOTAL + 1), 15);
    Await.of(http.close(), 5);
    assertThat(again.nextOp("message").getInteger("data")).isEqualTo(TOTAL + 1);
    again.close();
  }

  private static String subscribe(String since) {
    JsonObject s = new JsonObject().put("op", "subscribe").put("channels", List.of(CHANNEL));
    if (since != null) {
      s.put("since", new JsonObject().put(CHANNEL, since));
    }
    return s.encode();
  }

  /**
   * Posts 1..TOTAL one after the other from a context of its own (each waits for the previous 202), so the
   * channel's order is the publish order; pauses at {@link #GATE} until {@code dropped} completes.
   */
  private Future<Void> publishSequentially(Future<Void> dropped) {
    Context context = vertx.getOrCreateContext();
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      next(vertx.createHttpClient(), 1, dropped, done);
    });
    return done.future();
  }

  private void next(HttpClient http, int n, Future<Void> dropped, Promise<Void> done) {
    if (n > TOTAL) {
      http.close().onComplete(r -> done.complete());
      return;
    }
    Future<Void> gate = n == GATE + 1 ? dropped : Future.succeededFuture();
    gate.compose(v -> publish(http, n)).onComplete(r -> {
      if (r.failed()) {
        done.fail(r.cause());
      } else {
        next(http, n + 1, dropped, done);
      }
    });
  }

  private Future<Void> publish(HttpClient http, int n) {
    RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(node.port())
        .setURI("/api/publish").putHeader("Authorization", "Bearer " + TestNodes.PUBLISH_KEY)
        .putHeader("Content-Type", "application/json");
    Buffer body = new JsonObject().put("channel", CHANNEL).put("type", "n").put("data", n).toBuffer();
    Promise<Void> sent = Promise.promise();
    // Built on an event loop: composed from the test thread, the body handler could come after the response.
    vertx.getOrCreateContext().runOnContext(v -> http.request(post).compose(r -> r.send(body))
        .compose(r -> r.body().map(b -> r.statusCode())).<Void>compose(status -> status == 202
            ? Future.succeededFuture() : Future.failedFuture("publish " + n + ": " + status))
        .onComplete(sent));
    return sent.future();
  }

  private static List<Integer> range(int from, int to) {
    List<Integer> r = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      r.add(i);
    }
    return r;
  }

  /** A WebSocket to {@code /ws} or to SockJS's {@code /rt/000/<session>/websocket}, seeing the same JSON frames. */
  private static final class FrameClient {
    private final boolean sockJs;
    private final WebSocket ws;
    private final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    private FrameClient(boolean sockJs, WebSocket ws) {
      this.sockJs = sockJs;
      this.ws = ws;
      ws.textMessageHandler(this::onText);
      ws.closeHandler(v -> closed = true);
      ws.exceptionHandler(e -> { });
    }

    static FrameClient connect(ResumeWhileFlowingIT test, boolean sockJs) {
      WebSocketClient client = test.vertx.createWebSocketClient();
      test.clients.add(client);
      String uri = sockJs ? "/rt/000/" + UUID.randomUUID().toString().replace("-", "") + "/websocket" : "/ws";
      WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(test.node.port())
          .setURI(uri);
      // Handlers are set as the handshake completes, so no early frame is missed (see Await.built).
      FrameClient c = Await.built(test.vertx, () -> client.connect(o).map(w -> new FrameClient(sockJs, w)), 10);
      c.nextOp("hello");
      return c;
    }

    private void onText(String text) {
      if (!sockJs) {
        frames.add(new JsonObject(text));
      } else if (text.startsWith("a")) {
        new JsonArray(text.substring(1)).forEach(s -> frames.add(new JsonObject((String) s)));
      }
      // SockJS "o" (open) and "h" (heartbeat) carry no Herald frame.
    }

    void send(String frame) {
      Await.of(ws.writeTextMessage(sockJs ? new JsonArray().add(frame).encode() : frame), 10);
    }

    JsonObject nextOp(String op) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        try {
          JsonObject f = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
          if (f != null && op.equals(f.getString("op"))) {
            return f;
          }
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
      throw new AssertionError("no " + op + " frame within 10 s");
    }

    /** Closes the TCP connection at once, with no close frame, as a dropped network would. */
    void drop() {
      ((WebSocketInternal) ws).channelHandlerContext().channel().close();
    }

    void awaitClosed() {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!closed) {
        assertThat(System.nanoTime()).as("connection closed").isLessThan(deadline);
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
    }

    List<JsonObject> remainingMessages() {
      List<JsonObject> all = new ArrayList<>();
      frames.drainTo(all);
      return all.stream().filter(f -> "message".equals(f.getString("op"))).toList();
    }

    void close() {
      if (!ws.isClosed()) {
        Await.of(ws.close(), 5);
      }
    }
  }
}
