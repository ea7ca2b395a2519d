package dev.herald.security;

import dev.herald.config.LimitsConfig;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Admits new client connections: at most {@code limits.maxConnectionsPerIp} open per client address, and at most
 * {@code limits.newConnectionsPerSecond} new ones per node, with a burst of one second's budget. The rate is a
 * token bucket kept as one {@link AtomicLong} (the GCRA form: the time at which the bucket is next full), shared by
 * every event loop without a lock. A refused client is told when to come back: the wait for the next free slot
 * plus the current backlog (clients refused this second) spread over the budget, with jitter, so a reconnect
 * storm returns at about the rate the node admits. Thread-safe; one per node.
 *
 * <p>The limits can change while the node runs ({@link #update}, on config reload): the next admission uses them.
 * Connections already open stay counted; when {@code maxConnectionsPerIp} goes from 0 to a limit, connections
 * admitted before are not counted against it.
 */
public final class Admission {

  /** Longest delay a client is told to wait, ms. */
  static final long MAX_RETRY_AFTER_MS = 60_000;
  private static final long SECOND_NANOS = 1_000_000_000L;

  /** The limits in force; replaced whole by {@link #update}, so a reader never sees half of a change. */
  private volatile Budget budget;
  private final LongSupplier nanoClock;
  private final long origin;
  /** Theoretical arrival time of the next connection, nanos since {@link #origin}. */
  private final AtomicLong tat = new AtomicLong();
  private final AtomicLong backlogWindowStart = new AtomicLong();
  private final AtomicLong backlog = new AtomicLong();
  private final ConcurrentHashMap<String, Integer> perIp = new ConcurrentHashMap<>();

  public Admission(LimitsConfig limits, LongSupplier nanoClock) {
    this.budget = Budget.of(limits);
    this.nanoClock = nanoClock;
    this.origin = nanoClock.getAsLong();
  }

  public Admission(LimitsConfig limits) {
    this(limits, System::nanoTime);
  }

  /** Applies new {@code limits.maxConnectionsPerIp} and {@code limits.newConnectionsPerSecond} to new connections. */
  public void update(LimitsConfig limits) {
    budget = Budget.of(limits);
  }

  private record Budget(int maxPerIp, int ratePerSecond, long intervalNanos) {
    static Budget of(LimitsConfig limits) {
      return new Budget(limits.maxConnectionsPerIp(), limits.newConnectionsPerSecond(),
          Math.max(1, SECOND_NANOS / limits.newConnectionsPerSecond()));
    }
  }

  /** The answer for one new connection. */
  public sealed interface Result {
  }

  /** Admitted: {@link Ticket#release()} once the connection is gone. */
  public static final class Ticket implements Result {
    private final Admission owner;
    private final String ip;
    private final AtomicBoolean released = new AtomicBoolean();

    private Ticket(Admission owner, String ip) {
      this.owner = owner;
      this.ip = ip;
    }

    /** Frees the address's slot; idempotent. */
    public void release() {
      if (released.compareAndSet(false, true) && ip != null) {
        owner.perIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
      }
    }
  }

  /** Over the node's new-connection budget: come back after {@code retryAfterMs}. */
  public record Overloaded(long retryAfterMs) implements Result {
  }

  /** The address already holds {@code limits.maxConnectionsPerIp} connections. */
  public record TooManyFromAddress(int limit) implements Result {
  }

  /** Admits or refuses a connection from {@code clientIp} (see {@link ClientAddress}). */
  public Result admit(String clientIp) {
    Budget b = budget;
    String ip = b.maxPerIp > 0 ? clientIp : null;
    if (ip != null && !reserve(ip, b.maxPerIp)) {
      return new TooManyFromAddress(b.maxPerIp);
    }
    long waitNanos = takeToken(b.intervalNanos);
    if (waitNanos > 0) {
      if (ip != null) {
        perIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
      }
      return new Overloaded(retryAfterMs(waitNanos, b.ratePerSecond));
    }
    return new Ticket(this, ip);
  }

  /** Open connections counted for {@code ip} (tests, metrics). */
  public int openFrom(String ip) {
    return perIp.getOrDefault(ip, 0);
  }

  private boolean reserve(String ip, int maxPerIp) {
    boolean[] ok = {false};
    perIp.compute(ip, (k, n) -> {
      int current = n == null ? 0 : n;
      if (current >= maxPerIp) {
        return n;
      }
      ok[0] = true;
      return current + 1;
    });
    return ok[0];
  }

  /** Takes one token; 0 when taken, else how long until one is free, nanos. */
  private long takeToken(long intervalNanos) {
    while (true) {
      long now = nanoClock.getAsLong() - origin;
      long current = tat.get();
      long next = Math.max(current, now) + intervalNanos;
      long ahead = next - now;
      if (ahead > SECOND_NANOS) {
        return ahead - SECOND_NANOS;
      }
      if (tat.compareAndSet(current, next)) {
        return 0;
      }
    }
  }

  private long retryAfterMs(long waitNanos, int ratePerSecond) {
    long now = nanoClock.getAsLong() - origin;
    long start = backlogWindowStart.get();
    if (now - start > SECOND_NANOS && backlogWindowStart.compareAndSet(start, now)) {
      backlog.set(0);
    }
    long queued = backlog.incrementAndGet();
    long delay = waitNanos / 1_000_000 + queued * 1000 / ratePerSecond;
    long jitter = ThreadLocalRandom.current().nextLong(Math.max(100, delay / 2) + 1);
    return Math.min(MAX_RETRY_AFTER_MS, Math.max(1, delay + jitter));
  }
}
