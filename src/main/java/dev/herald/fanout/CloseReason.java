package dev.herald.fanout;

/**
 * Why the server closes a connection on purpose: the {@code code} of the {@code disconnect} frame sent first, and
 * the WebSocket close status that follows (1001 going away, 1008 policy, 1013 try again later).
 */
public enum CloseReason {
  SHUTDOWN("shutdown", 1001, "server shutting down", true),
  IDLE_TIMEOUT("idle_timeout", 1001, "no traffic from the client", true),
  SLOW_CONSUMER("slow_consumer", 1008, "client stopped reading", true),
  BAD_FRAMES("bad_frames", 1008, "too many bad frames", false),
  OVERLOADED("overloaded", 1013, "too many new connections, retry later", true),
  TOO_MANY_CONNECTIONS("too_many_connections", 1008, "too many connections from this address", false),
  POLICY("policy", 1008, "connection refused by policy", false);

  private final String code;
  private final int webSocketStatus;
  private final String reason;
  private final boolean retry;

  CloseReason(String code, int webSocketStatus, String reason, boolean retry) {
    this.code = code;
    this.webSocketStatus = webSocketStatus;
    this.reason = reason;
    this.retry = retry;
  }

  public String code() {
    return code;
  }

  public int webSocketStatus() {
    return webSocketStatus;
  }

  public String reason() {
    return reason;
  }

  /** Whether the client should reconnect (after {@code retryAfterMs}). */
  public boolean retry() {
    return retry;
  }
}
