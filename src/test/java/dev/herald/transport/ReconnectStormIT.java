package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.Http;
import dev.herald.testing.TestNodes;
import dev.herald.testing.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CI-sized reconnect storm: 2,000 clients at once against a budget of 200 new connections per second. Every client
 * that is told {@code overloaded} waits the {@code retryAfterMs} it was given and tries again; all get in, none
 * needs more than a handful of attempts, and a client connected before the storm misses nothing. The full-size
 * storm belongs in {@code scripts/bench}.
 */
class ReconnectStormIT {

  private static final int CLIENTS = 2000;
  private static final int BUDGET = 200;
  private static final int MAX_ATTEMPTS = 20;

  private Vertx vertx;
  private HeraldNode node;
  private WebSocketClient stormClient;
  private final ConcurrentLinkedQueue<WebSocket> sockets = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    JsonObject tree = TestNodes.memory();
    tree.put("limits", new JsonObject().put("newConnectionsPerSecond", BUDGET));
    node = TestNodes.start(vertx, tree);
    stormClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(CLIENTS * 2));
  }

  @AfterEach
  void stop() {
    Await.of(stormClient.close(), 30);
    Await.of(node.stop(0), 30);
    Await.of(vertx.close(), 30);
  }

  @Test
  void everyClientGetsBackByHonouringRetryAfter() {
    WsTestClient watcher = WsTestClient.connect(vertx, node.port(), "/ws?channels=thread:storm");
    watcher.nextOp("subscribed");
    AtomicInteger refusals = new AtomicInteger();
    AtomicInteger maxAttempts = new AtomicInteger();
    List<Future<Integer>> all = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      Promise<Integer> connected = Promise.promise();
      vertx.runOnContext(v -> attempt(1, connected, refusals));
      all.add(connected.future().onSuccess(n -> maxAttempts.accumulateAndGet(n, Math::max)));
    }
    try (Http http = new Http(vertx, node.port())) {
      for (int i = 1; i <= 20; i++) {
        assertThat(http.post("/api/publish", new JsonObject().put("channel", "thread:storm").put("data", i).encode())
            .status()).isEqualTo(202);
      }
      Await.of(Future.all(all), 60);
      assertThat(sockets).hasSize(CLIENTS);
      // How many are refused depends on how fast this machine opens them while the budget refills; that the
      // budget was hit at all, and that everyone still got in, is what must hold.
      assertThat(refusals.get()).isPositive();
      assertThat(maxAttempts.get()).isLessThanOrEqualTo(MAX_ATTEMPTS);
      assertThat(watcher.messages(20)).extracting(m -> m.getInteger("data"))
          .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 20).boxed().toList());
    } finally {
      watcher.close();
    }
  }

  /** Connects; on {@code disconnect overloaded} waits {@code retryAfterMs} and tries again. */
  private void attempt(int n, Promise<Integer> connected, AtomicInteger refusals) {
    if (n > MAX_ATTEMPTS) {
      connected.fail("gave up after " + MAX_ATTEMPTS + " attempts");
      return;
    }
    stormClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port()).setURI("/ws"))
        .onFailure(e -> vertx.setTimer(100, t -> attempt(n + 1, connected, refusals)))
        .onSuccess(ws -> {
          AtomicInteger frames = new AtomicInteger();
          ws.textMessageHandler(text -> {
            if (frames.getAndIncrement() > 0) {
              return;
            }
            JsonObject f = new JsonObject(text);
            if ("hello".equals(f.getString("op"))) {
              sockets.add(ws);
              connected.complete(n);
            } else if ("overloaded".equals(f.getString("code"))) {
              refusals.incrementAndGet();
              vertx.setTimer(f.getLong("retryAfterMs"), t -> attempt(n + 1, connected, refusals));
            } else {
              connected.fail("unexpected first frame " + text);
            }
          });
        });
  }
}
