package dev.herald.bench;

import io.vertx.core.buffer.Buffer;

/**
 * The server under test and how its URLs and frames look. Herald wraps each message in
 * {@code {"op":"message",...,"data":{...}}} and confirms subscriptions with a {@code subscribed} frame; nchan sends
 * the published body as is and subscribes on upgrade. The publisher's body carries {@code "t"} (send time, epoch
 * microseconds) and {@code "n"} (per-channel sequence, from 1) either way.
 */
enum Target {
  HERALD, NCHAN;

  static Target parse(String s) {
    return switch (s) {
      case "herald" -> HERALD;
      case "nchan" -> NCHAN;
      default -> throw new IllegalArgumentException("--target must be herald or nchan, not " + s);
    };
  }

  String subscribePath(String channel) {
    return this == HERALD ? "/ws?channels=" + channel : "/sub/" + channel;
  }

  String publishPath(String channel) {
    return this == HERALD ? "/api/publish" : "/pub/" + channel;
  }

  /** True when a connection is subscribed once the handshake is done (nchan), false when it must wait (Herald). */
  boolean subscribedOnUpgrade() {
    return this == NCHAN;
  }

  /** The name as used in reports. */
  String label() {
    return name().toLowerCase();
  }

  /** Parsed fields of a frame: the bench message's send time and sequence, or a subscription confirmation. */
  static final class Frame {
    static final int OTHER = 0;
    static final int MESSAGE = 1;
    static final int SUBSCRIBED = 2;
    /** The server refused the connection for now ({@code disconnect} with {@code retryAfterMs}). */
    static final int RETRY = 3;

    int kind;
    long sentMicros;
    long seq;
    long retryAfterMs;
  }

  private static final byte[] T_KEY = bytes("\"t\":");
  private static final byte[] N_KEY = bytes("\"n\":");
  private static final byte[] SUBSCRIBED = bytes("\"op\":\"subscribed\"");
  private static final byte[] RETRY_AFTER = bytes("\"retryAfterMs\":");
  private static final byte[] DISCONNECT = bytes("\"op\":\"disconnect\"");

  /** Scans a frame's bytes without decoding it to a String (the client must stay cheaper than the server). */
  static void scan(Buffer b, Frame into) {
    into.kind = Frame.OTHER;
    int t = indexOf(b, T_KEY, 0);
    if (t >= 0) {
      int n = indexOf(b, N_KEY, t);
      if (n >= 0) {
        into.kind = Frame.MESSAGE;
        into.sentMicros = number(b, t + T_KEY.length);
        into.seq = number(b, n + N_KEY.length);
        return;
      }
    }
    if (indexOf(b, SUBSCRIBED, 0) >= 0) {
      into.kind = Frame.SUBSCRIBED;
    } else if (indexOf(b, DISCONNECT, 0) >= 0) {
      int r = indexOf(b, RETRY_AFTER, 0);
      into.kind = Frame.RETRY;
      into.retryAfterMs = r < 0 ? 0 : number(b, r + RETRY_AFTER.length);
    }
  }

  private static long number(Buffer b, int from) {
    long v = 0;
    for (int i = from; i < b.length(); i++) {
      byte c = b.getByte(i);
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static int indexOf(Buffer b, byte[] key, int from) {
    int last = b.length() - key.length;
    outer:
    for (int i = from; i <= last; i++) {
      for (int j = 0; j < key.length; j++) {
        if (b.getByte(i + j) != key[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
