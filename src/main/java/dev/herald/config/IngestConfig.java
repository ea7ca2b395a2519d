package dev.herald.config;

/**
 * The ingest queue consumer. Stream names are relative to {@code redis.keyPrefix}: with the default prefix the
 * producers' stream is {@code herald:ingest} and the dead letters go to {@code herald:dead}.
 *
 * @param stream          stream producers XADD to; default {@value #DEFAULT_STREAM}
 * @param deadStream      stream of dead letters; default {@value #DEFAULT_DEAD_STREAM}
 * @param group           consumer group shared by every node; default {@value #DEFAULT_GROUP}
 * @param batchSize       entries read per XREADGROUP; default {@value #DEFAULT_BATCH_SIZE}
 * @param blockMs         longest wait of one XREADGROUP, ms; default {@value #DEFAULT_BLOCK_MS}
 * @param claimIdleMs     entries pending this long on another consumer are taken over, ms; default
 *                        {@value #DEFAULT_CLAIM_IDLE_MS}
 * @param maxAttempts     tries of an entry failing for a transient reason before it is dead-lettered; default
 *                        {@value #DEFAULT_MAX_ATTEMPTS}
 * @param retryBaseMs     first retry delay, doubled per attempt with full jitter, ms; default
 *                        {@value #DEFAULT_RETRY_BASE_MS}
 * @param retryMaxMs      cap of the retry delay, ms; default {@value #DEFAULT_RETRY_MAX_MS}
 * @param trimIntervalMs  how often acknowledged entries are trimmed from the stream, ms; default
 *                        {@value #DEFAULT_TRIM_INTERVAL_MS}; 0 never trims
 */
public record IngestConfig(String stream, String deadStream, String group, int batchSize, long blockMs,
                           long claimIdleMs, int maxAttempts, long retryBaseMs, long retryMaxMs,
                           long trimIntervalMs) {

  public static final String DEFAULT_STREAM = "ingest";
  public static final String DEFAULT_DEAD_STREAM = "dead";
  public static final String DEFAULT_GROUP = "herald";
  public static final int DEFAULT_BATCH_SIZE = 100;
  public static final long DEFAULT_BLOCK_MS = 2000;
  public static final long DEFAULT_CLAIM_IDLE_MS = 5000;
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  public static final long DEFAULT_RETRY_BASE_MS = 100;
  public static final long DEFAULT_RETRY_MAX_MS = 5000;
  public static final long DEFAULT_TRIM_INTERVAL_MS = 10000;

  static IngestConfig read(ConfigReader r) {
    return new IngestConfig(r.string("stream", DEFAULT_STREAM), r.string("deadStream", DEFAULT_DEAD_STREAM),
        r.string("group", DEFAULT_GROUP), r.integer("batchSize", DEFAULT_BATCH_SIZE, 1, 10_000),
        r.longValue("blockMs", DEFAULT_BLOCK_MS, 1, 60_000),
        r.longValue("claimIdleMs", DEFAULT_CLAIM_IDLE_MS, 1, Long.MAX_VALUE),
        r.integer("maxAttempts", DEFAULT_MAX_ATTEMPTS, 1, 1000),
        r.longValue("retryBaseMs", DEFAULT_RETRY_BASE_MS, 1, Long.MAX_VALUE),
        r.longValue("retryMaxMs", DEFAULT_RETRY_MAX_MS, 1, Long.MAX_VALUE),
        r.longValue("trimIntervalMs", DEFAULT_TRIM_INTERVAL_MS, 0, Long.MAX_VALUE));
  }
}
