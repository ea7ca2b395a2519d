package dev.herald.transport.websocket;

import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.function.UnaryOperator;

/**
 * The server side of the RFC 6455 opening handshake (version 13, no extensions, no subprotocol): checks the
 * upgrade request and computes the {@code 101} answer. Either {@link #response()} or {@link #status()} and
 * {@link #error()} say what to send.
 */
final class WebSocketHandshake {

  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  /** One digest per thread: looking SHA-1 up among the security providers costs more than the digest itself. */
  private static final FastThreadLocal<MessageDigest> SHA1 = new FastThreadLocal<>() {
    @Override
    protected MessageDigest initialValue() {
      try {
        return MessageDigest.getInstance("SHA-1");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java platform has SHA-1", e);
      }
    }
  };

  private final int status;
  private final String error;
  private final String accept;

  private WebSocketHandshake(int status, String error, String accept) {
    this.status = status;
    this.error = error;
    this.accept = accept;
  }

  static WebSocketHandshake of(HttpMethod method, MultiMap headers) {
    return of(method, headers::get);
  }

  /** The same checks with the request's headers read through {@code header} (name to first value, or null). */
  static WebSocketHandshake of(HttpMethod method, UnaryOperator<String> header) {
    if (method != HttpMethod.GET) {
      return refused(405, "a WebSocket handshake is a GET request");
    }
    if (!"websocket".equalsIgnoreCase(header.apply("Upgrade"))) {
      return refused(400, "Upgrade header must be \"websocket\"");
    }
    String connection = header.apply("Connection");
    if (connection == null || !connection.toLowerCase().contains("upgrade")) {
      return refused(400, "Connection header must include \"Upgrade\"");
    }
    if (!"13".equals(header.apply("Sec-WebSocket-Version"))) {
      return refused(426, "only WebSocket version 13 is supported");
    }
    String key = header.apply("Sec-WebSocket-Key");
    if (key == null || !validKey(key.trim())) {
      return refused(400, "Sec-WebSocket-Key must be 16 bytes in base64");
    }
    return new WebSocketHandshake(101, null, acceptOf(key.trim()));
  }

  private static WebSocketHandshake refused(int status, String error) {
    return new WebSocketHandshake(status, error, null);
  }

  boolean accepted() {
    return accept != null;
  }

  int status() {
    return status;
  }

  String error() {
    return error;
  }

  /** The whole {@code 101} response, headers included. */
  byte[] response() {
    return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static boolean validKey(String key) {
    try {
      return Base64.getDecoder().decode(key).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static String acceptOf(String key) {
    byte[] digest = SHA1.get().digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
    return Base64.getEncoder().encodeToString(digest);
  }
}
