package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.Http;
import dev.herald.testing.TestNodes;
import dev.herald.testing.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CI-sized slowloris: hundreds of connections that never finish their headers, or trickle them, do not stop a
 * legitimate client from connecting, subscribing and receiving.
 */
class SlowlorisIT {

  private static final int HALF_OPEN = 300;

  private Vertx vertx;
  private HeraldNode node;
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    node = TestNodes.start(vertx, TestNodes.memory());
  }

  @AfterEach
  void stop() {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already closed by the server
      }
    }
    Await.of(node.stop(0), 30);
    Await.of(vertx.close(), 30);
  }

  @Test
  void halfOpenAndSlowHeaderConnectionsDoNotStopALegitimateClient() throws IOException {
    for (int i = 0; i < HALF_OPEN; i++) {
      Socket s = new Socket("127.0.0.1", node.port());
      sockets.add(s);
      if (i % 2 == 0) {
        s.getOutputStream().write("GET /ws?channels=thread:1 HTTP/1.1\r\nHost: x\r\nUpgrade: web".getBytes(
            StandardCharsets.US_ASCII));
      }
    }
    try (Http http = new Http(vertx, node.port())) {
      for (int round = 0; round < 3; round++) {
        for (int i = 1; i < sockets.size(); i += 2) {
          trickle(sockets.get(i), "X-Slow-" + round + ": y\r\n");
        }
        WsTestClient c = WsTestClient.connect(vertx, node.port(), "/ws?channels=thread:ok" + round);
        try {
          c.nextOp("subscribed");
          assertThat(http.post("/api/publish",
              new JsonObject().put("channel", "thread:ok" + round).put("data", round).encode()).status()).isEqualTo(202);
          assertThat(c.nextOp("message").getInteger("data")).isEqualTo(round);
        } finally {
          c.close();
        }
      }
    }
  }

  private static void trickle(Socket s, String header) {
    try {
      OutputStream out = s.getOutputStream();
      out.write(header.getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException closedByServer) {
      // the server may drop a connection it finds abusive; that is fine too
    }
  }
}
