package dev.herald.message;

/**
 * One parsed queue entry on its way to the formatter: either a {@link Post} or a {@link Publish}, with the
 * entry id (for logs) and the time the producer's entry was accepted (epoch milliseconds, for latency).
 */
public record IngestItem(String entryId, long acceptedAtMillis, Post post, Publish publish) {

  public IngestItem {
    if ((post == null) == (publish == null)) {
      throw new IllegalArgumentException("an ingest item is exactly one of post or publish");
    }
  }

  public static IngestItem of(String entryId, long acceptedAtMillis, Post post) {
    return new IngestItem(entryId, acceptedAtMillis, post, null);
  }

  public static IngestItem of(String entryId, long acceptedAtMillis, Publish publish) {
    return new IngestItem(entryId, acceptedAtMillis, null, publish);
  }
}
