package dev.herald.bench;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * SockJS frames as its websocket transport sends them, one per WebSocket message: {@code o} (open), {@code h}
 * (heartbeat), {@code a["...","..."]} (one or more Herald frames, each a JSON-encoded string, so their quotes
 * arrive as {@code \"}) and {@code c[code,"reason"]} (close). Each string of an {@code a} frame is scanned in
 * place with the escaped keys; nothing is decoded or copied.
 */
final class SockJsFrames {

  static final byte OPEN = 'o';
  static final byte ARRAY = 'a';

  private SockJsFrames() {
  }

  /**
   * Hands {@code sink} each Herald frame of an {@code a} frame, scanned into {@code into} (the same instance
   * each time); returns the frame's type byte ({@code o}, {@code h}, {@code a}, {@code c}), 0 for an empty one.
   */
  static byte scan(Buffer b, Target.Frame into, Consumer<Target.Frame> sink) {
    int end = b.length();
    if (end == 0) {
      return 0;
    }
    byte type = b.getByte(0);
    if (type != ARRAY) {
      return type;
    }
    int i = 1;
    while (i < end) {
      if (b.getByte(i) != '"') {
        i++;
        continue;
      }
      // A string: ends at the first quote not escaped by a backslash.
      int start = i + 1;
      int j = start;
      while (j < end) {
        byte c = b.getByte(j);
        if (c == '\\') {
          j += 2;
        } else if (c == '"') {
          break;
        } else {
          j++;
        }
      }
      j = Math.min(j, end);
      Target.scan(b, start, j, Target.Keys.ESCAPED, into);
      sink.accept(into);
      i = j + 1;
    }
    return type;
  }
}
