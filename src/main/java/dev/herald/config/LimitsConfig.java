package dev.herald.config;

/**
 * Limits that protect the node from clients and producers.
 *
 * @param maxFrameBytes            largest client frame and HTTP body, bytes; default {@value #DEFAULT_MAX_FRAME_BYTES}
 * @param maxChannelsPerConnection subscriptions one connection may hold; default
 *                                 {@value #DEFAULT_MAX_CHANNELS_PER_CONNECTION}
 * @param subscribesPerSecond      subscribe requests per connection per second; default
 *                                 {@value #DEFAULT_SUBSCRIBES_PER_SECOND}
 * @param badFramesPerMinute       bad frames a client may send per minute before it is disconnected; default
 *                                 {@value #DEFAULT_BAD_FRAMES_PER_MINUTE}
 * @param maxConnectionsPerIp      open client connections per client IP (the peer, or its {@code X-Forwarded-For}
 *                                 when the peer is in {@code http.trustedProxies}); default
 *                                 {@value #DEFAULT_MAX_CONNECTIONS_PER_IP} (0 = no limit). Over it: WebSocket
 *                                 {@code disconnect too_many_connections} + close 1008, HTTP transports 429
 * @param newConnectionsPerSecond  new client connections the node admits per second, with a burst of one second's
 *                                 budget; default {@value #DEFAULT_NEW_CONNECTIONS_PER_SECOND}. Over it: WebSocket
 *                                 {@code disconnect overloaded} with {@code retryAfterMs} + close 1013, HTTP
 *                                 transports 503 with {@code Retry-After}
 */
public record LimitsConfig(int maxFrameBytes, int maxChannelsPerConnection, int subscribesPerSecond,
                           int badFramesPerMinute, int maxConnectionsPerIp, int newConnectionsPerSecond) {

  public static final int DEFAULT_MAX_FRAME_BYTES = 65_536;
  public static final int DEFAULT_MAX_CHANNELS_PER_CONNECTION = 100;
  public static final int DEFAULT_SUBSCRIBES_PER_SECOND = 100;
  public static final int DEFAULT_BAD_FRAMES_PER_MINUTE = 10;
  public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 0;
  public static final int DEFAULT_NEW_CONNECTIONS_PER_SECOND = 20_000;

  static LimitsConfig read(ConfigReader r) {
    return new LimitsConfig(r.integer("maxFrameBytes", DEFAULT_MAX_FRAME_BYTES, 256, 16 * 1024 * 1024),
        r.integer("maxChannelsPerConnection", DEFAULT_MAX_CHANNELS_PER_CONNECTION, 1, 100_000),
        r.integer("subscribesPerSecond", DEFAULT_SUBSCRIBES_PER_SECOND, 1, 1_000_000),
        r.integer("badFramesPerMinute", DEFAULT_BAD_FRAMES_PER_MINUTE, 0, 1_000_000),
        r.integer("maxConnectionsPerIp", DEFAULT_MAX_CONNECTIONS_PER_IP, 0, 1_000_000),
        r.integer("newConnectionsPerSecond", DEFAULT_NEW_CONNECTIONS_PER_SECOND, 1, 10_000_000));
  }
}
