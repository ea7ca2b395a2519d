package dev.herald.config;

/**
 * The commit point.
 *
 * @param dedupeWindowMs a post id or publish idempotency key seen again within this window is not published
 *                       again, ms; default {@value #DEFAULT_DEDUPE_WINDOW_MS}
 */
public record PublishConfig(long dedupeWindowMs) {

  public static final long DEFAULT_DEDUPE_WINDOW_MS = 600_000;

  static PublishConfig read(ConfigReader r) {
    return new PublishConfig(r.longValue("dedupeWindowMs", DEFAULT_DEDUPE_WINDOW_MS, 1, Long.MAX_VALUE));
  }
}
