package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading while 10,000 messages flow: the others get every message, the node holds at most
 * its outbound bound for the slow one, and once it reads again it ends with every message, in order.
 */
class SlowClientIT {

  private static final int MESSAGES = 10_000;
  private static final int BOUND = 64 * 1024;

  private Vertx vertx;
  private HeraldNode node;
  private final List<WebSocketClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    JsonObject tree = TestNodes.memory()
        .put("transport", new JsonObject().put("maxBufferedBytes", BOUND).put("stallTimeoutMs", 120_000))
        .put("history", new JsonObject().put("size", MESSAGES * 2));
    node = TestNodes.start(vertx, tree);
  }

  @AfterEach
  void stop() {
    clients.forEach(c -> Await.of(c.close()));
    Await.of(node.stop(0));
    Await.of(vertx.close());
  }

  /** A subscriber with a tiny receive buffer, so the kernel cannot absorb the stream for it. */
  private WebSocket subscriber(List<Integer> received) {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(4096)
        .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));
    clients.add(client);
    return Await.built(vertx, () -> client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
        .setURI("/ws?channels=thread:slow")).map(ws -> {
          ws.textMessageHandler(t -> {
            JsonObject f = new JsonObject(t);
            if ("message".equals(f.getString("op"))) {
              received.add(f.getJsonObject("data").getInteger("n"));
            }
          });
          return ws;
        }), 10);
  }

  @Test
  void slowSubscriberDoesNotDelayOthersAndCatchesUpInOrder() {
    List<Integer> fast = new CopyOnWriteArrayList<>();
    List<Integer> slow = new CopyOnWriteArrayList<>();
    subscriber(fast);
    WebSocket slowSocket = subscriber(slow);
    slowSocket.pause();

    String padding = "x".repeat(1000);
    io.vertx.core.Context context = vertx.getOrCreateContext();
    HttpClient http = vertx.createHttpClient(new HttpClientOptions(), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(16));
    RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(node.port()).setURI("/api/publish");
    for (int from = 0; from < MESSAGES; from += 16) {
      List<Future<Integer>> batch = new ArrayList<>();
      for (int n = from; n < Math.min(MESSAGES, from + 16); n++) {
        Buffer body = new JsonObject().put("channel", "thread:slow")
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

    waitFor(() -> fast.size() >= MESSAGES);
    // Sixteen publishes are in flight at once, so the channel's order is the order they reached the node.
    assertThat(fast).hasSize(MESSAGES).containsExactlyInAnyOrderElementsOf(range());
    assertThat(slow.size()).isLessThan(MESSAGES);
    long peak = Await.of(node.peakBufferedBytes());
    assertThat(peak).isGreaterThan(0).isLessThanOrEqualTo(BOUND + 2 * 1024);

    slowSocket.resume();
    waitFor(() -> slow.size() >= MESSAGES);
    assertThat(slow).containsExactlyElementsOf(fast);
  }

  private static List<Integer> range() {
    List<Integer> r = new ArrayList<>(MESSAGES);
    for (int i = 0; i < MESSAGES; i++) {
      r.add(i);
    }
    return r;
  }

  private static void waitFor(java.util.function.BooleanSupplier done) {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not done within 120 s");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }
}
