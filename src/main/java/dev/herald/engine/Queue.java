package dev.herald.engine;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * The ingest queue with job semantics: entries are claimed by one consumer, acknowledged only after they were
 * published, taken over when their consumer dies, and moved to the dead-letter stream with a reason when they
 * cannot be processed. Implementations: {@code RedisStreamQueue} (a Redis stream and consumer group) and
 * {@code MemoryQueue} (in process, one node).
 */
public interface Queue {

  /** Appends an entry with the given fields; the result is its id (stream entry id or sequence number). */
  Future<String> add(Map<String, String> fields);

  /**
   * Claims up to {@code max} new entries for this consumer, waiting up to {@code blockMs} when none is there.
   * An empty list means none arrived in time.
   */
  Future<List<QueueEntry>> next(int max, long blockMs);

  /** Takes over up to {@code max} entries pending on any consumer for longer than {@code idleMs}. */
  Future<List<QueueEntry>> claimStale(long idleMs, int max);

  /** Acknowledges a processed entry; it will never be delivered again. */
  default Future<Void> ack(String entryId) {
    return ack(List.of(entryId));
  }

  /** Acknowledges processed entries in one step (one XACK on Redis). */
  Future<Void> ack(List<String> entryIds);

  /**
   * Moves an entry to the dead-letter stream with its fields and the reason, and acknowledges it, atomically. On a
   * shared stream it does nothing when the entry is no longer pending (a consumer that took it over acknowledged
   * it meanwhile).
   */
  Future<Void> deadLetter(QueueEntry entry, String reason, int attempts);

  /** Dead letters, oldest first, at most {@code max}. */
  Future<List<DeadLetter>> deadLetters(int max);

  /** Re-adds a dead letter's original fields to the queue and removes it from the dead letters. */
  Future<String> replay(String deadLetterId);

  /** Entries claimed but not yet acknowledged, across all consumers. */
  Future<Long> pendingCount();

  /**
   * Entries added and not yet claimed by any consumer (the consumers' lag); -1 when the queue cannot tell (a
   * Redis stream whose entries were deleted below the group's position).
   */
  Future<Long> lag();

  /**
   * Removes acknowledged entries from the underlying stream, never an entry not yet delivered or acknowledged;
   * the result is how many were removed.
   */
  Future<Long> trim();

  /** Releases what this queue holds (connections, timers). Pending entries stay pending for others to claim. */
  Future<Void> close();
}
