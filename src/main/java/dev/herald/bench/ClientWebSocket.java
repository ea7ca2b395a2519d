package dev.herald.bench;

/**
 * The generator's client for plain WebSocket subscribers ({@code --client-ws}): {@code lean}, the default, reads
 * frames off the Netty channel ({@link dev.herald.wsclient.LeanWebSocket}); {@code vertx} is Vert.x's
 * {@code WebSocketClient}, the generator of every run before 2026-12-03 08:40 UTC, kept to compare with them. SockJS
 * and SSE subscribers use Vert.x's clients either way.
 */
enum ClientWebSocket {
  LEAN, VERTX;

  static ClientWebSocket parse(String s) {
    return switch (s) {
      case "lean" -> LEAN;
      case "vertx" -> VERTX;
      default -> throw new IllegalArgumentException("--client-ws must be lean or vertx, not " + s);
    };
  }

  /** The name as used on the command line and in reports. */
  String label() {
    return name().toLowerCase();
  }
}
