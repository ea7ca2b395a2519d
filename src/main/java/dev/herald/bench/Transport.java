package dev.herald.bench;

import java.util.concurrent.ThreadLocalRandom;

/**
 * How a subscriber reaches Herald: its plain WebSocket ({@code /ws?channels=}, the default and nchan's only way),
 * SockJS's websocket transport ({@code /rt/<server>/<session>/websocket}, subscribed with a {@code subscribe}
 * frame, as {@code /rt} takes no channels in its URL), or Server-Sent Events ({@code GET /sse?channels=}; nchan:
 * {@code GET /sub/<channel>} with {@code Accept: text/event-stream}).
 */
enum Transport {
  WS, SOCKJS, SSE;

  static Transport parse(String s) {
    return switch (s) {
      case "ws" -> WS;
      case "sockjs" -> SOCKJS;
      case "sse" -> SSE;
      default -> throw new IllegalArgumentException("--transport must be ws, sockjs or sse, not " + s);
    };
  }

  /** The name as used on the command line and in reports. */
  String label() {
    return name().toLowerCase();
  }

  /** True when the subscriber holds a WebSocket (plain or SockJS), false for an HTTP stream (SSE). */
  boolean webSocket() {
    return this != SSE;
  }

  /**
   * The URI subscriber {@code index} opens for {@code channel}. A SockJS session id is used once, so each call
   * makes a new one (a reconnect is a new session); the 3-digit server part is the one sockjs-client picks at
   * random, here spread by index.
   */
  String subscribePath(Target target, String channel, int index) {
    return switch (this) {
      case WS -> target.subscribePath(channel);
      case SOCKJS -> String.format("/rt/%03d/%s/websocket", index % 1000,
          Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36));
      case SSE -> target == Target.NCHAN ? "/sub/" + channel : "/sse?channels=" + channel;
    };
  }

  /** The SockJS frame that subscribes to {@code channel}: a JSON array holding Herald's frame as a string. */
  static String sockJsSubscribe(String channel) {
    return "[\"{\\\"op\\\":\\\"subscribe\\\",\\\"channels\\\":[\\\"" + channel + "\\\"]}\"]";
  }
}
