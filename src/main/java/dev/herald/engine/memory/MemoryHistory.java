package dev.herald.engine.memory;

import dev.herald.engine.Commit;
import dev.herald.engine.Epochs;
import dev.herald.engine.History;
import dev.herald.engine.Replay;
import dev.herald.message.Channel;
import dev.herald.message.MessageId;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * History in bounded in-process rings, one per channel. Each ring is its own lock, so the commit (dedupe check,
 * offset, append, marker) is one synchronized step. A ring idle past the TTL is dropped and starts a new epoch,
 * exactly as an expired Redis history would.
 *
 * <p>A ring holds each message as its body's bytes and its offset in two arrays ({@link Bodies}): one object per
 * message, shared by every channel the message was committed to; a {@link Replay.Entry} is made only when read. Its
 * dedupe keys are in arrays too ({@link Markers}). A history keeps up to {@code size} messages of every channel and
 * their keys for the dedupe window, and each young collection copies them until they are old, so their objects cost
 * pauses as well as memory. Held as entry, id and buffer objects, and the keys in a map, a message of 120 bytes
 * with its key took 411 bytes of heap and ten objects, 817 on a channel of its own; in the arrays 242 bytes and
 * three objects, 576 ({@code BenchMain history-memory}, 100,000 messages).
 */
public final class MemoryHistory implements History {

  private final int size;
  private final long ttlMillis;
  private final long dedupeWindowMillis;
  private final LongSupplier clock;
  private final Map<Channel, Ring> rings = new ConcurrentHashMap<>();

  /**
   * @param size               messages kept per channel
   * @param ttlMillis          a channel idle this long loses its history; 0 never
   * @param dedupeWindowMillis how long a dedupe key is remembered
   * @param clock              epoch milliseconds (tests pass their own)
   */
  public MemoryHistory(int size, long ttlMillis, long dedupeWindowMillis, LongSupplier clock) {
    this.size = size;
    this.ttlMillis = ttlMillis;
    this.dedupeWindowMillis = dedupeWindowMillis;
    this.clock = clock;
  }

  @Override
  public Future<Commit> commit(Channel channel, String dedupeKey, Buffer body) {
    if (body.length() == 0) {
      return emptyBody();
    }
    return commit(channel, dedupeKey, body.getBytes());
  }

  private Future<Commit> commit(Channel channel, String dedupeKey, byte[] body) {
    long now = clock.getAsLong();
    Ring ring = rings.computeIfAbsent(channel, c -> new Ring());
    synchronized (ring) {
      if (rings.get(channel) != ring) {
        // sweep() dropped this ring between the lookup and the lock: commit to the one now in the map.
        return commit(channel, dedupeKey, body);
      }
      ring.expireIfIdle(now);
      if (dedupeKey != null) {
        ring.markers.forgetBefore(now);
        long seen = ring.markers.offsetOf(dedupeKey);
        if (seen != Markers.NONE) {
          return Future.succeededFuture(new Commit(new MessageId(ring.epoch, seen), true));
        }
      }
      if (ring.bodies.count() == size) {
        ring.bodies.removeOldest();
      }
      long offset = ++ring.offset;
      ring.bodies.add(offset, body);
      ring.lastWrite = now;
      if (dedupeKey != null) {
        // Markers are cleared with the epoch (expireIfIdle), so an offset names the message.
        ring.markers.add(dedupeKey, offset, now + dedupeWindowMillis);
      }
      return Future.succeededFuture(new Commit(new MessageId(ring.epoch, offset), false));
    }
  }

  /** Applied at once, in the caller's order: the rings are in this process. */
  @Override
  public Future<List<Commit>> commitAll(List<Channel> channels, String dedupeKey, Buffer body) {
    if (body.length() == 0) {
      return emptyBody();
    }
    byte[] bytes = body.getBytes(); // one copy, held by every channel's ring
    List<Commit> commits = new ArrayList<>(channels.size());
    for (Channel channel : channels) {
      Future<Commit> commit = commit(channel, dedupeKey, bytes);
      if (commit.failed()) {
        return Future.failedFuture(commit.cause());
      }
      commits.add(commit.result());
    }
    return Future.succeededFuture(commits);
  }

  @Override
  public Future<Replay> since(Channel channel, MessageId since, int limit) {
    Ring ring = rings.get(channel);
    if (ring == null) {
      return Future.succeededFuture(new Replay(null, since == null, List.of(), false));
    }
    synchronized (ring) {
      ring.expireIfIdle(clock.getAsLong());
      MessageId position = ring.offset == 0 ? null : new MessageId(ring.epoch, ring.offset);
      if (since == null) {
        return Future.succeededFuture(new Replay(position, true, List.of(), false));
      }
      Bodies bodies = ring.bodies;
      long first = bodies.count() == 0 ? ring.offset + 1 : bodies.offset(0);
      boolean sameEpoch = since.epoch().equals(ring.epoch);
      if (sameEpoch && since.offset() > ring.offset) {
        return Future.succeededFuture(new Replay(position, false, List.of(), false));
      }
      boolean recovered = sameEpoch && since.offset() >= first - 1;
      long after = recovered ? since.offset() : 0;
      List<Replay.Entry> out = new ArrayList<>();
      boolean more = false;
      for (int i = bodies.after(after); i < bodies.count(); i++) {
        if (out.size() == limit) {
          more = true;
          break;
        }
        out.add(new Replay.Entry(new MessageId(ring.epoch, bodies.offset(i)),
            BufferInternal.buffer(Unpooled.wrappedBuffer(bodies.body(i)))));
      }
      return Future.succeededFuture(new Replay(position, recovered, out, more));
    }
  }

  @Override
  public Future<Boolean> remove(Channel channel, MessageId id) {
    Ring ring = rings.get(channel);
    if (ring == null) {
      return Future.succeededFuture(false);
    }
    synchronized (ring) {
      return Future.succeededFuture(id.epoch().equals(ring.epoch) && ring.bodies.remove(id.offset()));
    }
  }

  @Override
  public Future<Long> size(Channel channel) {
    Ring ring = rings.get(channel);
    if (ring == null) {
      return Future.succeededFuture(0L);
    }
    synchronized (ring) {
      ring.expireIfIdle(clock.getAsLong());
      return Future.succeededFuture((long) ring.bodies.count());
    }
  }

  /** Drops the rings idle past the TTL, so channels nobody writes to any more do not hold memory. */
  public void sweep() {
    long now = clock.getAsLong();
    rings.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        return ttlMillis > 0 && now - e.getValue().lastWrite > ttlMillis;
      }
    });
  }

  @Override
  public Future<Void> close() {
    rings.clear();
    return Future.succeededFuture();
  }

  private static <T> Future<T> emptyBody() {
    return Future.failedFuture(new IllegalArgumentException("a history entry's body must not be empty"));
  }

  /** One channel's history; guarded by its own monitor. */
  private final class Ring {
    private String epoch = Epochs.next();
    private long offset;
    private long lastWrite = clock.getAsLong();
    private final Bodies bodies = new Bodies(size);
    private final Markers markers = new Markers();

    void expireIfIdle(long now) {
      if (ttlMillis > 0 && offset > 0 && now - lastWrite > ttlMillis) {
        epoch = Epochs.next();
        offset = 0;
        bodies.clear();
        markers.clear();
      }
    }
  }
}
