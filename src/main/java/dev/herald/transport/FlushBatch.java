package dev.herald.transport;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;

/**
 * One flush per socket per event-loop turn: connections written to during a turn (a fan-out, a catch-up burst)
 * are flushed together by one task queued behind it, so frames for one socket go out in one write, and the
 * turn costs one task, not one per socket. One batch per event loop.
 */
final class FlushBatch implements Runnable {

  private static final FastThreadLocal<FlushBatch> BATCH = new FastThreadLocal<>() {
    @Override
    protected FlushBatch initialValue() {
      return new FlushBatch();
    }
  };

  private ArrayList<ChannelConnection> pending = new ArrayList<>();
  private ArrayList<ChannelConnection> spare = new ArrayList<>();
  private boolean scheduled;

  private FlushBatch() {
  }

  /** Flushes {@code connection} after the current turn of {@code loop}, the caller's own event loop. */
  static void add(ChannelConnection connection, EventExecutor loop) {
    FlushBatch batch = BATCH.get();
    batch.pending.add(connection);
    if (!batch.scheduled) {
      batch.scheduled = true;
      loop.execute(batch);
    }
  }

  @Override
  public void run() {
    // A flush can make a channel writable again and the session then writes more: those join the next batch.
    ArrayList<ChannelConnection> now = pending;
    pending = spare;
    scheduled = false;
    for (int i = 0; i < now.size(); i++) {
      now.get(i).flush();
    }
    now.clear();
    spare = now;
  }
}
