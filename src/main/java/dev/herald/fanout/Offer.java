package dev.herald.fanout;

/** The outcome of offering a message to a {@link Subscriber}. */
public enum Offer {
  /** Queued for the socket. */
  WRITTEN,
  /** Not written: the connection's outbound bytes are over the bound; the session switches it to catch-up. */
  FULL
}
