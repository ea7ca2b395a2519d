package dev.herald.bench;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * When each message first reached any subscriber: its latency to the earliest of its deliveries. Against the
 * latency of all deliveries this separates the time a server takes to start a message's fan-out (the pipeline
 * and its thread hand-offs) from the spread of the fan-out itself, which grows with the subscribers.
 *
 * <p>Every delivery of a message carries the same send time, so its earliest delivery has its lowest latency. A
 * connection receives its channel's messages in order, so each thread sees the first copy of a channel's
 * messages in increasing sequence order: a per-thread high-water mark per channel finds them with one array read
 * per delivery, and only those first copies (a few per message, one per reading thread) are kept. Processes
 * merge theirs by taking each message's lowest latency ({@link #merge}).
 */
final class FirstDeliveries {

  private final int channels;
  private final List<Shard> shards = new ArrayList<>();
  private final ThreadLocal<Shard> mine;

  FirstDeliveries(int channels) {
    this.channels = channels;
    this.mine = ThreadLocal.withInitial(this::newShard);
  }

  /** A delivery of message {@code seq} of channel {@code channel} (an index), on the thread that read it. */
  void record(int channel, long seq, long latencyMicros) {
    Shard s = mine.get();
    if (seq > s.highWater[channel]) {
      s.highWater[channel] = seq;
      s.add(key(channel, seq), latencyMicros);
    }
  }

  /** Each message's lowest latency seen since the last call, as (key, latency) pairs. */
  long[] drain() {
    Map<Long, Long> lowest = new HashMap<>();
    List<Shard> all;
    synchronized (shards) {
      all = new ArrayList<>(shards);
    }
    for (Shard s : all) {
      merge(lowest, s.take());
    }
    return pairs(lowest);
  }

  /** Takes each message's lower latency of {@code lowest} and {@code pairs} into {@code lowest}. */
  static void merge(Map<Long, Long> lowest, long[] pairs) {
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      lowest.merge(pairs[i], pairs[i + 1], Math::min);
    }
  }

  private static long[] pairs(Map<Long, Long> lowest) {
    long[] out = new long[lowest.size() * 2];
    int i = 0;
    for (Map.Entry<Long, Long> e : lowest.entrySet()) {
      out[i++] = e.getKey();
      out[i++] = e.getValue();
    }
    return out;
  }

  /** The latencies of {@code lowest}, one per message, in microseconds. */
  static Histogram histogram(Map<Long, Long> lowest) {
    Histogram h = new Histogram(3);
    lowest.values().forEach(h::recordValue);
    return h;
  }

  /** One word of a worker's reply line: the pairs as Base64, or {@code -} for none. */
  static String encode(long[] pairs) {
    if (pairs.length == 0) {
      return "-";
    }
    ByteBuffer b = ByteBuffer.allocate(pairs.length * Long.BYTES);
    b.asLongBuffer().put(pairs);
    return Base64.getEncoder().encodeToString(b.array());
  }

  static long[] decode(String word) {
    if ("-".equals(word)) {
      return new long[0];
    }
    ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(word));
    long[] pairs = new long[b.remaining() / Long.BYTES];
    b.asLongBuffer().get(pairs);
    return pairs;
  }

  private static long key(int channel, long seq) {
    return (long) channel << 40 | seq;
  }

  private Shard newShard() {
    Shard s = new Shard(channels);
    synchronized (shards) {
      shards.add(s);
    }
    return s;
  }

  /** One thread's marks (its own) and first copies (taken by {@link #drain} from another thread). */
  private static final class Shard {
    final long[] highWater;
    private long[] pairs = new long[64];
    private int size;

    Shard(int channels) {
      highWater = new long[channels];
    }

    synchronized void add(long key, long latencyMicros) {
      if (size + 2 > pairs.length) {
        pairs = Arrays.copyOf(pairs, pairs.length * 2);
      }
      pairs[size++] = key;
      pairs[size++] = latencyMicros;
    }

    synchronized long[] take() {
      long[] out = Arrays.copyOf(pairs, size);
      size = 0;
      return out;
    }
  }
}
