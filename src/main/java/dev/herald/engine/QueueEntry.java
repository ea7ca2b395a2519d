package dev.herald.engine;

import java.util.Map;

/**
 * One claimed queue entry: its id, the producer's fields, and when the producer's entry was accepted
 * (epoch milliseconds; for a Redis stream the time part of the entry id).
 */
public record QueueEntry(String id, Map<String, String> fields, long acceptedAtMillis) {

  public QueueEntry {
    fields = Map.copyOf(fields);
  }
}
