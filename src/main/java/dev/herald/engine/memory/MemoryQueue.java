package dev.herald.engine.memory;

import dev.herald.engine.DeadLetter;
import dev.herald.engine.Queue;
import dev.herald.engine.QueueEntry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The ingest queue of the embedded default: in process, one node, with the same job semantics as the Redis
 * stream (claim, ack, take-over of stale entries, dead letters with a reason). Entry ids are sequence numbers.
 * All state is guarded by this object's monitor; waiting consumers are completed outside it.
 */
public final class MemoryQueue implements Queue {

  private final Vertx vertx;
  private final LongSupplier clock;
  private long sequence;
  private long deadSequence;
  private final ArrayDeque<QueueEntry> ready = new ArrayDeque<>();
  private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
  private final LinkedHashMap<String, DeadLetter> dead = new LinkedHashMap<>();
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

  public MemoryQueue(Vertx vertx, LongSupplier clock) {
    this.vertx = vertx;
    this.clock = clock;
  }

  @Override
  public Future<String> add(Map<String, String> fields) {
    String id;
    synchronized (this) {
      id = Long.toString(++sequence);
      ready.addLast(new QueueEntry(id, fields, clock.getAsLong()));
    }
    wakeWaiters();
    return Future.succeededFuture(id);
  }

  @Override
  public Future<List<QueueEntry>> next(int max, long blockMs) {
    // Bound to the caller's event loop: add() completes it from whichever thread enqueues (an HTTP loop), and the
    // consumer's callbacks must still run on the consumer's own loop.
    Promise<List<QueueEntry>> promise = ((ContextInternal) vertx.getOrCreateContext()).promise();
    synchronized (this) {
      if (!ready.isEmpty()) {
        return Future.succeededFuture(take(max));
      }
      Waiter waiter = new Waiter(promise, max);
      waiters.addLast(waiter);
      waiter.timer = vertx.setTimer(blockMs, t -> {
        boolean mine;
        synchronized (this) {
          mine = waiters.remove(waiter);
        }
        if (mine) {
          promise.complete(List.of());
        }
      });
    }
    return promise.future();
  }

  @Override
  public synchronized Future<List<QueueEntry>> claimStale(long idleMs, int max) {
    long now = clock.getAsLong();
    List<QueueEntry> out = new ArrayList<>();
    for (Pending p : pending.values()) {
      if (out.size() == max) {
        break;
      }
      if (now - p.deliveredAt >= idleMs) {
        p.deliveredAt = now;
        out.add(p.entry);
      }
    }
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<Void> ack(List<String> entryIds) {
    entryIds.forEach(pending::remove);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> deadLetter(QueueEntry entry, String reason, int attempts) {
    // One process, one consumer: no other consumer can have taken the entry over and acknowledged it, so there is
    // no race to guard against here (the Redis queue checks that the entry is still pending).
    pending.remove(entry.id());
    String id = Long.toString(++deadSequence);
    dead.put(id, new DeadLetter(id, entry.id(), reason, attempts, entry.fields()));
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<List<DeadLetter>> deadLetters(int max) {
    return Future.succeededFuture(dead.values().stream().limit(max).toList());
  }

  @Override
  public Future<String> replay(String deadLetterId) {
    DeadLetter letter;
    synchronized (this) {
      letter = dead.remove(deadLetterId);
    }
    if (letter == null) {
      return Future.failedFuture(new IllegalArgumentException("no dead letter " + deadLetterId));
    }
    return add(letter.fields());
  }

  @Override
  public synchronized Future<Long> lag() {
    return Future.succeededFuture((long) ready.size());
  }

  @Override
  public synchronized Future<Long> pendingCount() {
    return Future.succeededFuture((long) pending.size());
  }

  /** Acknowledged entries are forgotten at once; nothing to trim. */
  @Override
  public Future<Long> trim() {
    return Future.succeededFuture(0L);
  }

  @Override
  public Future<Void> close() {
    List<Waiter> toWake;
    synchronized (this) {
      toWake = new ArrayList<>(waiters);
      waiters.clear();
    }
    for (Waiter w : toWake) {
      vertx.cancelTimer(w.timer);
      w.promise.complete(List.of());
    }
    return Future.succeededFuture();
  }

  private List<QueueEntry> take(int max) {
    List<QueueEntry> out = new ArrayList<>();
    long now = clock.getAsLong();
    while (out.size() < max && !ready.isEmpty()) {
      QueueEntry e = ready.removeFirst();
      pending.put(e.id(), new Pending(e, now));
      out.add(e);
    }
    return out;
  }

  private void wakeWaiters() {
    List<Runnable> completions = new ArrayList<>();
    synchronized (this) {
      while (!ready.isEmpty() && !waiters.isEmpty()) {
        Waiter w = waiters.removeFirst();
        List<QueueEntry> batch = take(w.max);
        completions.add(() -> {
          vertx.cancelTimer(w.timer);
          w.promise.complete(batch);
        });
      }
    }
    completions.forEach(Runnable::run);
  }

  private static final class Pending {
    private final QueueEntry entry;
    private long deliveredAt;

    Pending(QueueEntry entry, long deliveredAt) {
      this.entry = entry;
      this.deliveredAt = deliveredAt;
    }
  }

  private static final class Waiter {
    private final Promise<List<QueueEntry>> promise;
    private final int max;
    private long timer;

    Waiter(Promise<List<QueueEntry>> promise, int max) {
      this.promise = promise;
      this.max = max;
    }
  }
}
