package dev.herald.transport;

import static dev.herald.testing.RawHttp.readFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.Http;
import dev.herald.testing.RawHttp;
import dev.herald.testing.Scrape;
import dev.herald.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The two ways a {@code /ws} upgrade is answered: as the first request of a connection, before Vert.x makes it a
 * request, and through the router when it follows other requests on a keep-alive connection or is refused. Both
 * must look the same to the client.
 */
class WebSocketUpgradePathIT {

  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
  private static final String HEALTH = "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

  private Vertx vertx;
  private HeraldNode node;
  private Http http;

  @BeforeEach
  void start() {
    vertx = TestNodes.vertxWithMetrics();
    JsonObject tree = TestNodes.memory();
    tree.getJsonObject("http").put("allowedOrigins", List.of("http://ok.test"));
    node = TestNodes.start(vertx, tree);
    http = new Http(vertx, node.port());
  }

  @AfterEach
  void stop() {
    http.close();
    Await.of(node.stop(0));
    Await.of(vertx.close());
  }

  private static String upgrade(String uri, String... extraHeaders) {
    return "GET " + uri + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n" + String.join("", extraHeaders) + "\r\n";
  }

  @Test
  void upgradeBehindAKeepAliveRequestOnTheSameConnectionOpensASession() throws IOException {
    try (Socket s = socket()) {
      s.getOutputStream().write(HEALTH.getBytes(StandardCharsets.US_ASCII));
      String health = readFor(s.getInputStream(), "}");
      assertThat(health).startsWith("HTTP/1.1 200").contains("\"status\":\"up\"");
      s.getOutputStream().write(upgrade("/ws?channels=thread:1").getBytes(StandardCharsets.US_ASCII));
      assertThat(readFor(s.getInputStream(), "\r\n\r\n")).startsWith("HTTP/1.1 101 ")
          .contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
      assertThat(readFor(s.getInputStream(), "\"recovered\"")).contains("\"op\":\"hello\"")
          .contains("\"channel\":\"thread:1\"");
    }
  }

  @Test
  void pipelinedUpgradeIsAnsweredAfterTheRequestBeforeIt() throws IOException {
    try (Socket s = socket()) {
      s.getOutputStream().write((HEALTH + upgrade("/ws?channels=thread:2")).getBytes(StandardCharsets.US_ASCII));
      String answers = readFor(s.getInputStream(), "\"recovered\"");
      assertThat(answers).startsWith("HTTP/1.1 200");
      assertThat(answers.indexOf("HTTP/1.1 101 ")).isGreaterThan(answers.indexOf("\"status\":\"up\""));
      assertThat(answers).contains("\"channel\":\"thread:2\"");
    }
  }

  @Test
  void firstRequestUpgradeIsNotAVertxRequestButOneBehindAnotherRequestIs() throws IOException {
    double before = requestsCounted(); // the next scrape counts this one
    for (int i = 0; i < 3; i++) {
      try (Socket s = socket()) {
        s.getOutputStream().write(upgrade("/ws?CHANNELS=thread:3").getBytes(StandardCharsets.US_ASCII));
        // Parameter names match regardless of case, as with Vert.x's request parameters.
        assertThat(readFor(s.getInputStream(), "\"recovered\"")).contains("\"channel\":\"thread:3\"");
      }
    }
    assertThat(requestsCounted()).isEqualTo(before + 1);
    try (Socket s = socket()) {
      s.getOutputStream().write((HEALTH + upgrade("/ws")).getBytes(StandardCharsets.US_ASCII));
      assertThat(readFor(s.getInputStream(), "\"op\":\"hello\"")).contains("HTTP/1.1 101 ");
    }
    // The previous scrape, the health check and the upgrade answered by the router.
    assertThat(requestsCounted()).isEqualTo(before + 1 + 3);
  }

  @Test
  void refusedUpgradesGetTheRoutersStatusAndBody() throws IOException {
    assertThat(rawAnswer(upgrade("/ws", "Origin: http://evil.test\r\n"))).startsWith("HTTP/1.1 403")
        .contains("{\"error\":\"origin not allowed\"}");
    assertThat(rawAnswer(upgrade("/ws", "Origin: http://ok.test\r\n"))).startsWith("HTTP/1.1 101 ")
        .contains("\"op\":\"hello\"");
    assertThat(rawAnswer(upgrade("/ws").replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8")))
        .startsWith("HTTP/1.1 426").contains("Sec-WebSocket-Version: 13").contains("version 13");
    try (Socket s = socket()) {
      s.getOutputStream().write(upgrade("/ws").replace("GET", "POST").getBytes(StandardCharsets.US_ASCII));
      assertThat(readFor(s.getInputStream(), "\r\n\r\n")).startsWith("HTTP/1.1 405").contains("allow: GET");
    }
    // Not taken early (a body follows), still upgraded by the router once the body was read.
    assertThat(rawAnswer(upgrade("/ws", "Content-Length: 2\r\n") + "{}")).startsWith("HTTP/1.1 101 ")
        .contains("\"op\":\"hello\"");
  }

  @Test
  void upgradeIsRefusedWhileTheNodeDrains() throws IOException {
    Await.of(node.drain(0));
    assertThat(rawAnswer(upgrade("/ws?channels=thread:4"))).startsWith("HTTP/1.1 503").contains("draining");
  }

  /** Requests Vert.x's HTTP metrics have counted, as of this scrape (which is counted by the next one). */
  private double requestsCounted() {
    return Scrape.of(http).sum("vertx_http_server_requests_total");
  }

  private Socket socket() throws IOException {
    return RawHttp.connect(node.port());
  }

  /** The head of the answer and what follows up to the first '}' (a JSON body or the first frame). */
  private String rawAnswer(String request) throws IOException {
    return RawHttp.answer(node.port(), request);
  }
}
