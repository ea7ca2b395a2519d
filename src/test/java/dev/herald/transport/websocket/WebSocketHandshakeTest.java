package dev.herald.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebSocketHandshakeTest {

  private static MultiMap headers() {
    return MultiMap.caseInsensitiveMultiMap().add("Upgrade", "WebSocket").add("Connection", "keep-alive, Upgrade")
        .add("Sec-WebSocket-Version", "13").add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
  }

  @Test
  void acceptsTheRfcExample() {
    WebSocketHandshake h = WebSocketHandshake.of(HttpMethod.GET, headers());
    assertThat(h.accepted()).isTrue();
    assertThat(new String(h.response(), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101 Switching Protocols\r\n")
        .contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n").endsWith("\r\n\r\n");
  }

  @Test
  void refusesWhatIsNotAVersion13Upgrade() {
    assertThat(WebSocketHandshake.of(HttpMethod.POST, headers()).status()).isEqualTo(405);
    assertThat(WebSocketHandshake.of(HttpMethod.GET, headers().remove("Upgrade")).status()).isEqualTo(400);
    assertThat(WebSocketHandshake.of(HttpMethod.GET, headers().set("Connection", "close")).status()).isEqualTo(400);
    assertThat(WebSocketHandshake.of(HttpMethod.GET, headers().set("Sec-WebSocket-Version", "8")).status())
        .isEqualTo(426);
    assertThat(WebSocketHandshake.of(HttpMethod.GET, headers().set("Sec-WebSocket-Key", "c2hvcnQ=")).error())
        .contains("16 bytes");
    assertThat(WebSocketHandshake.of(HttpMethod.GET, headers().set("Sec-WebSocket-Key", "!!")).accepted()).isFalse();
  }
}
