package dev.herald.ingest;

import java.util.concurrent.ThreadLocalRandom;

/** Capped exponential backoff with full jitter: attempt n waits a random time in [0, min(cap, base·2ⁿ⁻¹)]. */
public record Backoff(long baseMs, long capMs) {

  public long delayMs(int attempt) {
    long ceiling = Math.min(capMs, baseMs << Math.min(30, Math.max(0, attempt - 1)));
    return 1 + ThreadLocalRandom.current().nextLong(Math.max(1, ceiling));
  }
}
