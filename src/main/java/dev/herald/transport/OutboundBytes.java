package dev.herald.transport;

import io.vertx.core.Future;

/**
 * The bytes one connection has written that the kernel has not taken yet: each write counts until its future
 * completes. Streaming transports refuse message frames while it is over the bound (the session then switches the
 * client to catch-up) and resume the session once it falls to half the bound. Counting completions is what sees a
 * congested socket; Vert.x's {@code writeQueueFull()} alone does not bound the heap. Only touched on the
 * connection's event loop.
 */
public final class OutboundBytes {

  private final long bound;
  private long buffered;
  private long sent;
  private long peak;
  private Runnable onDrain;

  /** @param bound bytes a connection may hold unsent before message frames are refused */
  public OutboundBytes(long bound) {
    this.bound = bound;
  }

  /** True when message frames must be refused. */
  public boolean full() {
    return buffered >= bound;
  }

  /** Counts {@code size} bytes until {@code write} completes; returns {@code write}. */
  public <T> Future<T> track(Future<T> write, int size) {
    buffered += size;
    peak = Math.max(peak, buffered);
    return write.onComplete(r -> {
      buffered -= size;
      sent += size;
      if (onDrain != null && buffered <= bound / 2) {
        Runnable action = onDrain;
        onDrain = null;
        action.run();
      }
    });
  }

  /** Runs {@code action} once, as soon as at most half the bound is unsent (at once if that is so now). */
  public void whenDrained(Runnable action) {
    if (buffered <= bound / 2) {
      action.run();
    } else {
      onDrain = action;
    }
  }

  public long buffered() {
    return buffered;
  }

  /** Bytes of every write that completed so far: grows while the client reads, however much is still queued. */
  public long sent() {
    return sent;
  }

  /** The most bytes ever held unsent. */
  public long peak() {
    return peak;
  }
}
