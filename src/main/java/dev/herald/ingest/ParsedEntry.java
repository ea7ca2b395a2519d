package dev.herald.ingest;

import dev.herald.message.IngestItem;

/** What {@link EntryParser} makes of a queue entry or HTTP body: an item to format, or a rejection with its reason. */
public sealed interface ParsedEntry {

  /** A well-formed entry. */
  record Accepted(IngestItem item) implements ParsedEntry {
  }

  /**
   * A malformed entry: {@code reason} says what is wrong, {@code field} is the JSON path of the offending field
   * ({@code "post.author.id"}), or null when the entry as a whole is wrong.
   */
  record Rejected(String reason, String field) implements ParsedEntry {
  }
}
