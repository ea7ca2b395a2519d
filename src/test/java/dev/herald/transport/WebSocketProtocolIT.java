package dev.herald.transport;

import static dev.herald.testing.RawHttp.readFor;
import static dev.herald.testing.RawHttp.readHead;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.Eventually;
import dev.herald.testing.Http;
import dev.herald.testing.RawHttp;
import dev.herald.testing.Scrape;
import dev.herald.testing.TestNodes;
import dev.herald.testing.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket protocol as {@code /ws} speaks it on the channel Herald takes from Vert.x: the handshake and its
 * refusals, fragmented messages, client pings, binary and oversize frames, the close handshake, bytes sent right
 * behind the upgrade request, and Vert.x's HTTP metrics after upgraded connections come and go.
 */
class WebSocketProtocolIT {

  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
  private static final String UPGRADE = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
      + "Connection: Upgrade\r\nSec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n";

  private Vertx vertx;
  private HeraldNode node;
  private Http http;

  @BeforeEach
  void start() {
    vertx = TestNodes.vertxWithMetrics();
    node = TestNodes.start(vertx, TestNodes.memory());
    http = new Http(vertx, node.port());
  }

  @AfterEach
  void stop() {
    http.close();
    Await.of(node.stop(0));
    Await.of(vertx.close());
  }

  @Test
  void handshakeIsAnsweredAsRfc6455SaysAndBadOnesAreRefusedWithAReason() throws IOException {
    try (Socket s = socket()) {
      s.getOutputStream().write(UPGRADE.getBytes(StandardCharsets.US_ASCII));
      String head = readHead(s.getInputStream());
      // RFC 6455 §1.3's example key and answer.
      assertThat(head).startsWith("HTTP/1.1 101 ").contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }
    String noVersion = UPGRADE.replace("Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 8\r\n");
    assertThat(rawAnswer(noVersion)).startsWith("HTTP/1.1 426").contains("Sec-WebSocket-Version: 13")
        .contains("version 13");
    assertThat(rawAnswer(UPGRADE.replace(KEY, "short"))).startsWith("HTTP/1.1 400").contains("Sec-WebSocket-Key");
    assertThat(rawAnswer(UPGRADE.replace("Upgrade: websocket\r\n", ""))).startsWith("HTTP/1.1 400")
        .contains("Upgrade");
  }

  @Test
  void fragmentedTextMessageIsReadWhole() {
    try (WsTestClient c = WsTestClient.connect(vertx, node.port(), "/ws")) {
      c.nextOp("hello");
      var ws = c.socket();
      Await.of(ws.writeFrame(WebSocketFrame.textFrame("{\"op\":\"sub", false)));
      Await.of(ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("scribe\",\"channels\":"), false)));
      Await.of(ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("[\"thread:5\"]}"), true)));
      assertThat(c.nextOp("subscribed").getString("channel")).isEqualTo("thread:5");
    }
  }

  @Test
  void clientPingIsAnsweredWithItsDataAndBinaryFramesGetAnErrorOnly() throws Exception {
    try (WsTestClient c = WsTestClient.connect(vertx, node.port(), "/ws")) {
      c.nextOp("hello");
      CompletableFuture<String> pong = new CompletableFuture<>();
      c.socket().pongHandler(b -> pong.complete(b.toString()));
      Await.of(c.socket().writePing(Buffer.buffer("are you there")));
      assertThat(pong.get(10, TimeUnit.SECONDS)).isEqualTo("are you there");

      Await.of(c.socket().writeFinalBinaryFrame(Buffer.buffer(new byte[] {1, 2, 3})));
      assertThat(c.nextOp("error").getString("code")).isEqualTo("bad_frame");
      c.send(new JsonObject().put("op", "ping"));
      assertThat(c.nextOp("pong")).isNotNull();
      assertThat(c.socket().isClosed()).isFalse();
    }
  }

  @Test
  void clientCloseIsAnsweredWithItsStatus() {
    try (WsTestClient c = WsTestClient.connect(vertx, node.port(), "/ws")) {
      c.nextOp("hello");
      c.socket().close((short) 4000, "bye");
      assertThat(c.awaitClose()).isEqualTo((short) 4000);
    }
  }

  @Test
  void frameAboveTheCapClosesWith1009AndOthersAreUnharmed() throws IOException {
    try (WsTestClient healthy = WsTestClient.connect(vertx, node.port(), "/ws?channels=thread:9");
        Socket s = socket()) {
      healthy.nextOp("subscribed");
      OutputStream out = s.getOutputStream();
      out.write(UPGRADE.getBytes(StandardCharsets.US_ASCII));
      readHead(s.getInputStream());
      // The header of a masked text frame of 10 MB; the node must not wait for (or buffer) its payload.
      out.write(new byte[] {(byte) 0x81, (byte) (0x80 | 127), 0, 0, 0, 0, 0, (byte) 0x98, (byte) 0x96, (byte) 0x80,
          1, 2, 3, 4});
      out.flush();
      byte[] rest = s.getInputStream().readAllBytes();
      int close = lastIndexOfOpcode(rest, 0x88);
      assertThat(close).as("close frame in %s", new String(rest, StandardCharsets.ISO_8859_1)).isNotNegative();
      assertThat(((rest[close + 2] & 0xFF) << 8) | (rest[close + 3] & 0xFF)).isEqualTo(1009);

      assertThat(http.postWithKey("/api/publish", new JsonObject().put("channel", "thread:9").put("data", 1).encode(),
          TestNodes.PUBLISH_KEY).status()).isEqualTo(202);
      assertThat(healthy.nextOp("message").getInteger("data")).isEqualTo(1);
    }
  }

  @Test
  void framesSentRightBehindTheUpgradeRequestAreRead() throws IOException {
    try (Socket s = socket()) {
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.write(UPGRADE.getBytes(StandardCharsets.US_ASCII));
      request.write(maskedText("{\"op\":\"ping\"}"));
      s.getOutputStream().write(request.toByteArray());
      readHead(s.getInputStream());
      String frames = readFor(s.getInputStream(), "\"op\":\"pong\"");
      assertThat(frames).contains("\"op\":\"hello\"").contains("\"op\":\"pong\"");
    }
  }

  @Test
  void vertxHttpMetricsDoNotKeepUpgradedConnections() {
    Scrape first = Scrape.of(http);
    assertThat(first.has("vertx_http_server_active_connections")).isTrue();
    assertThat(first.has("vertx_http_server_active_requests")).isTrue();
    double connectionsBefore = sum("vertx_http_server_active_connections");
    double requestsBefore = sum("vertx_http_server_active_requests"); // the scrape itself
    for (int i = 0; i < 5; i++) {
      try (WsTestClient c = WsTestClient.connect(vertx, node.port(), "/ws?channels=thread:1")) {
        c.nextOp("subscribed");
      }
    }
    Eventually.within(10, () -> {
      assertThat(sum("vertx_http_server_active_connections")).isEqualTo(connectionsBefore);
      assertThat(sum("vertx_http_server_active_requests")).isEqualTo(requestsBefore);
      Scrape s = Scrape.of(http);
      assertThat(s.value("herald_transport_connections", "transport", "websocket")).isZero();
      assertThat(s.value("herald_transport_connections_closed_total", "transport", "websocket")).isEqualTo(5);
    });
  }

  /** The sum of every sample whose name and labels start with {@code prefix} (0 when there is none). */
  private double sum(String prefix) {
    return Scrape.of(http).sum(prefix);
  }

  private Socket socket() throws IOException {
    return RawHttp.connect(node.port());
  }

  private String rawAnswer(String request) throws IOException {
    return RawHttp.answer(node.port(), request);
  }

  private static int lastIndexOfOpcode(byte[] bytes, int firstByte) {
    for (int i = bytes.length - 4; i >= 0; i--) {
      if ((bytes[i] & 0xFF) == firstByte && (bytes[i + 1] & 0x80) == 0 && (bytes[i + 1] & 0x7F) + 2 == bytes.length - i) {
        return i;
      }
    }
    return -1;
  }

  private static byte[] maskedText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] mask = {7, 13, 21, 42};
    byte[] frame = new byte[6 + payload.length];
    frame[0] = (byte) 0x81;
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(mask, 0, frame, 2, 4);
    for (int i = 0; i < payload.length; i++) {
      frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    return frame;
  }
}
