package dev.herald.engine;

import java.util.Map;

/**
 * An entry that could not be processed: its dead-letter id, the id it had in the queue, the reason, how many
 * attempts were made, and the producer's original fields.
 */
public record DeadLetter(String id, String entryId, String reason, int attempts, Map<String, String> fields) {

  public DeadLetter {
    fields = Map.copyOf(fields);
  }
}
