package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.TestNodes;
import dev.herald.testing.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pings keep live clients connected; a client that stops answering is told why and closed. */
class WebSocketKeepAliveIT {

  private Vertx vertx;
  private HeraldNode node;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    node = TestNodes.start(vertx, TestNodes.memory()
        .put("transport", new JsonObject().put("heartbeatMs", 100).put("idleTimeoutMs", 600)));
  }

  @AfterEach
  void stop() {
    Await.of(node.stop(0));
    Await.of(vertx.close());
  }

  @Test
  void answeringClientStaysAndSilentClientIsClosedWithIdleTimeout() throws Exception {
    try (WsTestClient live = WsTestClient.connect(vertx, node.port(), "/ws?channels=thread:1")) {
      AtomicInteger pings = new AtomicInteger();
      live.socket().frameHandler(f -> {
        if (f.isPing()) {
          pings.incrementAndGet();
        }
      });
      // A raw client that completes the handshake and then never answers anything.
      NetClient net = vertx.createNetClient();
      NetSocket silent = Await.of(net.connect(node.port(), "127.0.0.1"));
      StringBuffer seen = new StringBuffer();
      AtomicBoolean closed = new AtomicBoolean();
      silent.handler(b -> seen.append(b.toString(StandardCharsets.ISO_8859_1)));
      silent.closeHandler(v -> closed.set(true));
      silent.write("GET /ws?channels=thread:1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n");
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!closed.get() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(closed).as("silent client closed").isTrue();
      assertThat(seen.toString()).contains("101 Switching Protocols").contains("\"op\":\"hello\"")
          .contains("\"op\":\"disconnect\"").contains("\"code\":\"idle_timeout\"");
      Await.of(net.close());
      assertThat(live.socket().isClosed()).isFalse();
      assertThat(pings.get()).isGreaterThanOrEqualTo(5);
    }
  }
}
