package dev.herald.fanout;

/** The {@code code} of an {@code error} frame; the wire names are public contract. */
public enum ErrorCode {
  BAD_FRAME("bad_frame"),
  UNKNOWN_OP("unknown_op"),
  BAD_CHANNEL("bad_channel"),
  TOO_LARGE("too_large"),
  FORBIDDEN("forbidden"),
  TOKEN_EXPIRED("token_expired"),
  RATE_LIMITED("rate_limited"),
  TOO_MANY_CHANNELS("too_many_channels"),
  INTERNAL("internal");

  private final String wire;

  ErrorCode(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}
