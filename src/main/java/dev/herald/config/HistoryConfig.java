package dev.herald.config;

/**
 * Per-channel history, the source of every resume.
 *
 * @param size       messages kept per channel (redis engine: up to an eighth more are held, unread, until they are
 *                   cut in one batch; see {@code RedisHistory}); default {@value #DEFAULT_SIZE}
 * @param ttlSeconds a channel's history expires this long after its last message, s (redis engine: up to a minute
 *                   more, see {@code RedisHistory}); default {@value #DEFAULT_TTL_SECONDS}; 0 never expires
 */
public record HistoryConfig(int size, long ttlSeconds) {

  public static final int DEFAULT_SIZE = 1000;
  public static final long DEFAULT_TTL_SECONDS = 86_400;
  /** Ten years: Redis takes an expiry only as a time it can count in milliseconds (0 is for "never"). */
  public static final long MAX_TTL_SECONDS = 315_360_000;

  static HistoryConfig read(ConfigReader r) {
    return new HistoryConfig(r.integer("size", DEFAULT_SIZE, 1, 1_000_000),
        r.longValue("ttlSeconds", DEFAULT_TTL_SECONDS, 0, MAX_TTL_SECONDS));
  }
}
