package dev.herald.transport;

import dev.herald.config.TransportConfig;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One flush per socket per event-loop turn: connections written to during a turn (a fan-out, a catch-up burst)
 * are flushed by a task queued behind it, so frames for one socket go out in one write, and a fan-out costs a task
 * per chunk (below), not one per socket. One batch per event loop.
 *
 * <p>A large batch is flushed {@code transport.flushChunk} connections per turn, and the loop yields its core
 * between two chunks. On io_uring one turn's flushes reach the kernel in one system call: a thread on the same host
 * that the first sends woke (a reader, a proxy in front of the node) waited for a core until the loop's share of the
 * fan-out was sent, as the loop was seldom preempted, where on epoll it was preempted a hundred times a second and
 * more (traced in BENCHMARKS.md, "Who holds the core when a reader wakes"). A batch written meanwhile starts when
 * the one being flushed is done, so connections are flushed in the order they were written.
 */
public final class FlushBatch implements Runnable {

  private static final FastThreadLocal<FlushBatch> BATCH = new FastThreadLocal<>() {
    @Override
    protected FlushBatch initialValue() {
      return new FlushBatch();
    }
  };

  private ArrayList<ChannelConnection> pending = new ArrayList<>();
  private ArrayList<ChannelConnection> spare = new ArrayList<>();
  /** The batch being flushed over several turns, or null. */
  private ArrayList<ChannelConnection> flushing;
  private int next;
  private int chunk = TransportConfig.DEFAULT_FLUSH_CHUNK;
  private EventExecutor loop;
  /** True while this batch's task is queued on the loop. */
  private boolean queued;
  private final Runnable nextChunk = () -> {
    Thread.yield();
    flushChunk();
  };

  private FlushBatch() {
  }

  /**
   * Sets the connections flushed per turn by the calling event loop's batch, 0 for all of them at once; called on
   * each HTTP event loop as it starts.
   */
  public static void chunkOnThisLoop(int connections) {
    BATCH.get().chunk = connections;
  }

  /** Flushes {@code connection} after the current turn of {@code loop}, the caller's own event loop. */
  static void add(ChannelConnection connection, EventExecutor loop) {
    FlushBatch batch = BATCH.get();
    batch.pending.add(connection);
    if (!batch.queued) {
      batch.queued = true;
      batch.loop = loop;
      loop.execute(batch);
    }
  }

  @Override
  public void run() {
    queued = false;
    if (flushing != null || pending.isEmpty()) {
      return; // the batch being flushed in chunks takes these when it is done
    }
    // A flush can make a channel writable again and the session then writes more: those join the next batch.
    flushing = pending;
    pending = spare;
    next = 0;
    flushChunk();
  }

  private void flushChunk() {
    ArrayList<ChannelConnection> now = flushing;
    int end = chunk > 0 ? Math.min(now.size(), next + chunk) : now.size();
    for (int i = next; i < end; i++) {
      now.get(i).flush();
    }
    next = end;
    if (end < now.size()) {
      // Scheduled, not executed: a task executed now would run in this same turn, before the kernel has the chunk.
      loop.schedule(nextChunk, 0, TimeUnit.NANOSECONDS);
      return;
    }
    now.clear();
    spare = now;
    flushing = null;
    if (!pending.isEmpty() && !queued) {
      queued = true;
      loop.execute(this);
    }
  }
}
