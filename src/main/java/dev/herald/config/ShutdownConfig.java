package dev.herald.config;

/**
 * Graceful drain (SIGTERM, {@code POST /admin/drain}).
 *
 * @param drainWindowMs clients told to reconnect get a {@code retryAfterMs} drawn at random within this window,
 *                      ms, so they do not all come back at once; default {@value #DEFAULT_DRAIN_WINDOW_MS}; 0 means
 *                      reconnect at once
 */
public record ShutdownConfig(long drainWindowMs) {

  public static final long DEFAULT_DRAIN_WINDOW_MS = 5000;

  static ShutdownConfig read(ConfigReader r) {
    return new ShutdownConfig(r.longValue("drainWindowMs", DEFAULT_DRAIN_WINDOW_MS, 0, 600_000));
  }
}
