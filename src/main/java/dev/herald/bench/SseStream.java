package dev.herald.bench;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * The reading side of one Server-Sent Events stream. Chunks are fed as they arrive; each complete line that starts
 * with {@code data:} is scanned in place ({@code id:}, {@code event:}, comments and blank lines are skipped), and
 * only a line cut by a chunk boundary is copied, until its end arrives. Herald writes each frame as a single
 * {@code data:} line, so a line is a frame. Only touched on the stream's event loop.
 */
final class SseStream {

  private static final byte[] DATA = "data:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final Target.Frame frame = new Target.Frame();
  private final Consumer<Target.Frame> sink;
  /** The start of a line whose end has not arrived yet, or null. */
  private Buffer partial;

  SseStream(Consumer<Target.Frame> sink) {
    this.sink = sink;
  }

  void feed(Buffer chunk) {
    int end = chunk.length();
    int from = 0;
    if (partial != null) {
      int nl = indexOfNewline(chunk, 0, end);
      if (nl < 0) {
        partial.appendBuffer(chunk);
        return;
      }
      partial.appendBuffer(chunk, 0, nl);
      line(partial, 0, partial.length());
      partial = null;
      from = nl + 1;
    }
    while (from < end) {
      int nl = indexOfNewline(chunk, from, end);
      if (nl < 0) {
        partial = Buffer.buffer(Math.max(256, 2 * (end - from))).appendBuffer(chunk, from, end - from);
        return;
      }
      line(chunk, from, nl);
      from = nl + 1;
    }
  }

  private void line(Buffer b, int from, int to) {
    if (to > from && b.getByte(to - 1) == '\r') {
      to--;
    }
    if (to - from < DATA.length) {
      return;
    }
    for (int k = 0; k < DATA.length; k++) {
      if (b.getByte(from + k) != DATA[k]) {
        return;
      }
    }
    Target.scan(b, from + DATA.length, to, Target.Keys.PLAIN, frame);
    sink.accept(frame);
  }

  private static int indexOfNewline(Buffer b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b.getByte(i) == '\n') {
        return i;
      }
    }
    return -1;
  }
}
