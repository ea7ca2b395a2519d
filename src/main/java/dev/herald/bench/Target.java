package dev.herald.bench;

import io.vertx.core.buffer.Buffer;

/**
 * The server under test and how its URLs and frames look. Herald wraps each message in
 * {@code {"op":"message",...,"data":{...}}} and confirms subscriptions with a {@code subscribed} frame; nchan sends
 * the published body as is and subscribes on upgrade. The publisher's body carries {@code "t"} (send time, epoch
 * microseconds) and {@code "n"} (per-channel sequence, from 1) either way; a post entry carries them in the post's
 * id instead ({@code "id":"bt<t>n<n>c<k>"}).
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

  /**
   * The keys the scanner looks for, as they appear in the bytes: as is ({@code /ws}, nchan, an SSE {@code data:}
   * line), or JSON-escaped ({@code \"t\":}) inside a string of a SockJS {@code a[...]} frame.
   */
  static final class Keys {
    static final Keys PLAIN = new Keys(false);
    static final Keys ESCAPED = new Keys(true);

    final byte[] t;
    final byte[] n;
    final byte[] postId;
    final byte[] subscribed;
    final byte[] retryAfter;
    final byte[] disconnect;

    private Keys(boolean escaped) {
      t = key("\"t\":", escaped);
      n = key("\"n\":", escaped);
      postId = key("\"id\":\"bt", escaped);
      subscribed = key("\"op\":\"subscribed\"", escaped);
      retryAfter = key("\"retryAfterMs\":", escaped);
      disconnect = key("\"op\":\"disconnect\"", escaped);
    }

    private static byte[] key(String plain, boolean escaped) {
      return bytes(escaped ? plain.replace("\"", "\\\"") : plain);
    }
  }

  /** Scans a frame's bytes without decoding it to a String (the client must stay cheaper than the server). */
  static void scan(Buffer b, Frame into) {
    scan(b, 0, b.length(), Keys.PLAIN, into);
  }

  /** Scans the frame in bytes {@code from} (inclusive) to {@code to} (exclusive) of {@code b}. */
  static void scan(Buffer b, int from, int to, Keys keys, Frame into) {
    into.kind = Frame.OTHER;
    int t = indexOf(b, keys.t, from, to);
    if (t >= 0) {
      int n = indexOf(b, keys.n, t, to);
      if (n >= 0) {
        into.kind = Frame.MESSAGE;
        into.sentMicros = number(b, t + keys.t.length, to);
        into.seq = number(b, n + keys.n.length, to);
        return;
      }
    }
    // A post entry's message: its id is bt<t>n<n>c<k> (RatePublisher.post). The frame's own message id comes first
    // and may look alike (a history epoch is 8 random base-36 characters: one in 1,296 starts with "bt"), so only
    // an id of that whole shape counts; the message id has a '-' after its epoch.
    for (int p = indexOf(b, keys.postId, from, to); p >= 0; p = indexOf(b, keys.postId, p + 1, to)) {
      int at = p + keys.postId.length;
      int n = digitsEnd(b, at, to);
      int c = n > at && n < to && b.getByte(n) == 'n' ? digitsEnd(b, n + 1, to) : -1;
      int end = c > n + 1 && c < to && b.getByte(c) == 'c' ? digitsEnd(b, c + 1, to) : -1;
      if (end > c + 1 && end < to && b.getByte(end) == keys.postId[0]) {
        into.kind = Frame.MESSAGE;
        into.sentMicros = number(b, at, n);
        into.seq = number(b, n + 1, c);
        return;
      }
    }
    if (indexOf(b, keys.subscribed, from, to) >= 0) {
      into.kind = Frame.SUBSCRIBED;
    } else if (indexOf(b, keys.disconnect, from, to) >= 0) {
      int r = indexOf(b, keys.retryAfter, from, to);
      into.kind = Frame.RETRY;
      into.retryAfterMs = r < 0 ? 0 : number(b, r + keys.retryAfter.length, to);
    }
  }

  /** Where the run of digits starting at {@code from} ends (at most {@code to}). */
  private static int digitsEnd(Buffer b, int from, int to) {
    int i = from;
    while (i < to && b.getByte(i) >= '0' && b.getByte(i) <= '9') {
      i++;
    }
    return i;
  }

  private static long number(Buffer b, int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) {
      byte c = b.getByte(i);
      if (c < '0' || c > '9') {
        break;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  static int indexOf(Buffer b, byte[] key, int from, int to) {
    int last = to - key.length;
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
