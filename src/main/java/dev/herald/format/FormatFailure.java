package dev.herald.format;

/** Failure codes of a {@code FORMAT} request, telling ingest whether a retry can help. */
public final class FormatFailure {

  /** The entry itself is bad: dead-letter it at once. */
  public static final int REJECTED = 400;
  /** Something outside the entry failed (history unavailable): retry with backoff. */
  public static final int TRANSIENT = 503;

  private FormatFailure() {
  }
}
