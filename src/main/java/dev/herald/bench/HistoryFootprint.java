package dev.herald.bench;

import dev.herald.engine.memory.MemoryHistory;
import dev.herald.message.Channel;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * The memory engine's heap per history message: commits {@code --per-channel} messages of {@code --body-bytes} to
 * each of {@code --channels} channels of a {@link MemoryHistory} in this JVM (its size the defaults' 1,000) and
 * prints the heap used after a full collection, before and after, per message. With {@code --dedupe} each message
 * carries a dedupe key ({@code entry:<n>}), as a post from the ingest stream does; with {@code
 * --channels-per-message k} each message is committed to k channels at once (a post to its forum, thread, author
 * and own channel), so a channel's turn comes every k-th message and {@code --per-channel} counts its turns. A
 * history holds its messages for as long as the channel lives and every young collection copies them until they
 * are old, so their objects are paid for in pauses as well as in memory.
 */
final class HistoryFootprint {

  private HistoryFootprint() {
  }

  static JsonObject run(String[] args) throws InterruptedException {
    int channels = 100;
    int perChannel = 1_000;
    int bodyBytes = 120;
    int perMessage = 1;
    boolean dedupe = false;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--channels" -> channels = positive(args, ++i);
        case "--per-channel" -> perChannel = positive(args, ++i);
        case "--body-bytes" -> bodyBytes = positive(args, ++i);
        case "--channels-per-message" -> perMessage = positive(args, ++i);
        case "--dedupe" -> dedupe = true;
        default -> throw new IllegalArgumentException("history-memory: unknown option " + args[i]
            + " (--channels N, --per-channel N, --body-bytes N, --channels-per-message N, --dedupe)");
      }
    }
    if (perMessage > channels) {
      throw new IllegalArgumentException("history-memory: --channels-per-message " + perMessage
          + " is more than --channels " + channels);
    }
    MemoryHistory history = new MemoryHistory(1_000, 0, 600_000, System::currentTimeMillis);
    Channel[] names = new Channel[channels];
    for (int c = 0; c < channels; c++) {
      names[c] = Channel.parse("thread:" + c);
    }
    byte[] body = new byte[bodyBytes];
    Arrays.fill(body, (byte) 'x');
    long before = heapAfterFullGc();
    long n = 0;
    for (int i = 0; i < perChannel; i++) {
      for (int c = 0; c + perMessage <= channels; c += perMessage) {
        history.commitAll(Arrays.asList(names).subList(c, c + perMessage), dedupe ? "entry:" + n : null,
            Buffer.buffer(body));
        n++;
      }
    }
    long after = heapAfterFullGc();
    // Read after the measurement, so the history is still reachable when the heap is read.
    long held = history.size(names[0]).result();
    return new JsonObject().put("scenario", "history-memory").put("channels", channels).put("perChannel", perChannel)
        .put("channelsPerMessage", perMessage).put("bodyBytes", bodyBytes).put("dedupe", dedupe).put("messages", n)
        .put("heldInFirstChannel", held)
        .put("heapBytesPerMessage", Math.round((after - before) * 10.0 / n) / 10.0);
  }

  private static int positive(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException("history-memory: " + args[i - 1] + " needs a number");
    }
    try {
      int v = Integer.parseInt(args[i]);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // named below
    }
    throw new IllegalArgumentException("history-memory: " + args[i - 1] + " must be a positive integer, not "
        + args[i]);
  }

  private static long heapAfterFullGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
