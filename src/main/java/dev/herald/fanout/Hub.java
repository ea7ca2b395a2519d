package dev.herald.fanout;

import dev.herald.config.TransportConfig;
import dev.herald.message.Channel;
import dev.herald.message.ChannelMessage;
import dev.herald.metrics.HeraldMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The sessions of one event loop and the channels they subscribe to. A message reaches a hub once per event loop
 * and is then offered to each local subscriber on that same loop, so per-session state needs no locks. One shared
 * periodic sweep sends heartbeats and finds idle and stalled sessions (no timer per connection).
 * Only touched on {@link #context()}'s event loop, except {@link #receive}.
 */
public final class Hub {

  /** Deliveries of one message counted at once, at most. */
  private static final int METER_BATCH = 64;

  private final Vertx vertx;
  private final ContextInternal context;
  private final ChannelRouter router;
  private final TransportConfig transport;
  private final LongSupplier clock;
  private final HeraldMetrics metrics;
  private final Map<Channel, Members> channels = new HashMap<>();
  private final Set<ClientSession> sessions = new LinkedHashSet<>();
  private long sweepTimer = -1;

  public Hub(Vertx vertx, Context context, ChannelRouter router, TransportConfig transport, LongSupplier clock,
             HeraldMetrics metrics) {
    this.vertx = vertx;
    this.context = (ContextInternal) context;
    this.router = router;
    this.transport = transport;
    this.clock = clock;
    this.metrics = metrics;
  }

  public Context context() {
    return context;
  }

  public HeraldMetrics metrics() {
    return metrics;
  }

  public long now() {
    return clock.getAsLong();
  }

  /**
   * Called from any thread by the router: hands the message to this hub's event loop, at once when called on it.
   * The router runs on an event-bus consumer's context, never this one, so the test is the thread; the delivery
   * then runs with this hub's context current, as a task of its own would.
   */
  void receive(ChannelMessage m) {
    if (context.inThread()) {
      context.dispatch(m, this::deliver);
    } else {
      context.runOnContext(v -> deliver(m));
    }
  }

  /**
   * Offers {@code m} to the channel's local subscribers. A channel with more of them than {@code transport.flushChunk}
   * is written a chunk per event-loop turn ({@link Split}), so the kernel has the first chunk's frames while the loop
   * writes the next, instead of after the whole loop's share: writing 5,000 frames took about 5 ms of the loop before
   * its first flush (BENCHMARKS.md, "A fan-out written a chunk per turn").
   */
  private void deliver(ChannelMessage m) {
    Members members = channels.get(m.channel());
    if (members == null) {
      return;
    }
    if (members.split != null) {
      members.split.add(m);
      return;
    }
    ClientSession[] targets = members.sessions();
    Subscription[] subscriptions = members.subscriptions();
    int chunk = transport.flushChunk();
    if (chunk <= 0 || targets.length <= chunk) {
      write(targets, subscriptions, 0, targets.length, null, m);
      return;
    }
    Split split = new Split(members, targets, subscriptions, m);
    members.split = split;
    split.step();
  }

  /** Offers {@code m} to subscribers {@code from} to {@code to} (exclusive), but those in {@code left} (if any). */
  private void write(ClientSession[] targets, Subscription[] subscriptions, int from, int to,
      Set<Subscription> left, ChannelMessage m) {
    // Counted in batches: one meter update and one clock read per batch rather than per delivery. A batch's
    // latency is read at its end, 64 deliveries after its first: ~0.15 ms at the ~2.3 us per delivery Hub.deliver
    // took (profiler on) in the fan-out profile of BENCHMARKS.md, "Deliveries counted per event loop".
    int written = 0;
    for (int i = from; i < to; i++) {
      if ((left == null || !left.contains(subscriptions[i])) && targets[i].onLive(subscriptions[i], m)
          && ++written == METER_BATCH) {
        metrics.delivered(m.acceptedAtMillis(), written);
        written = 0;
      }
    }
    if (written > 0) {
      metrics.delivered(m.acceptedAtMillis(), written);
    }
  }

  /**
   * One pass of a channel's fan-out over the members it had when it began, a chunk per turn. Every message that
   * arrives meanwhile is written at once to the members the pass has reached and to those who joined since, and
   * then with the pass to the rest: each subscriber gets the channel's messages in order, and a message that comes
   * while the last is still being written joins it in one send to the connections not yet reached. Members who
   * leave meanwhile get nothing more. Turns are scheduled tasks, so the kernel has had each chunk before the next;
   * the loop yields its core first, as between flush chunks ({@link dev.herald.transport.FlushBatch}).
   */
  private final class Split implements Runnable {
    private final Members members;
    private final ClientSession[] targets;
    private final Subscription[] subscriptions;
    private final List<ChannelMessage> messages = new ArrayList<>(2);
    private final List<ClientSession> joined = new ArrayList<>();
    private final List<Subscription> joinedSubscriptions = new ArrayList<>();
    /** Subscriptions that left during the pass; null until one does. */
    private Set<Subscription> left;
    /** The first member not written to yet. */
    private int next;

    Split(Members members, ClientSession[] targets, Subscription[] subscriptions, ChannelMessage first) {
      this.members = members;
      this.targets = targets;
      this.subscriptions = subscriptions;
      messages.add(first);
    }

    void add(ChannelMessage m) {
      write(targets, subscriptions, 0, next, left, m);
      if (!joined.isEmpty()) {
        write(joined.toArray(new ClientSession[0]), joinedSubscriptions.toArray(new Subscription[0]), 0, joined.size(),
            left, m);
      }
      messages.add(m);
    }

    void joined(ClientSession session, Subscription subscription) {
      joined.add(session);
      joinedSubscriptions.add(subscription);
    }

    void left(Subscription subscription) {
      if (left == null) {
        left = Collections.newSetFromMap(new IdentityHashMap<>());
      }
      left.add(subscription);
    }

    @Override
    public void run() {
      Thread.yield();
      context.dispatch(null, v -> step());
    }

    void step() {
      int chunk = transport.flushChunk();
      // A pass's first chunk is an eighth of the others: the readers its sends wake wait for a core until the loop
      // yields it after the chunk (BENCHMARKS.md, "A fan-out's first chunk smaller").
      int end = Math.min(targets.length, next + (next == 0 ? Math.max(1, chunk / 8) : chunk));
      try {
        for (int i = 0; i < messages.size(); i++) {
          write(targets, subscriptions, next, end, left, messages.get(i));
        }
      } finally {
        // Whatever a write threw, the pass goes on: a pass left standing would hold the channel's later messages.
        advance(end);
      }
    }

    private void advance(int end) {
      next = end;
      if (end < targets.length) {
        // Scheduled, not executed: a task executed now would run in this same turn, before the kernel has the chunk.
        context.nettyEventLoop().schedule(this, 0, TimeUnit.NANOSECONDS);
      } else {
        members.split = null;
      }
    }
  }

  /**
   * Adds a session's subscription; completes when the channel's messages are routed to this node. A route already
   * in effect answers with a future of no context: the route's own belongs to the router's event loop, and what a
   * caller composed on it ran there and came back as a task, two hand-offs per subscriber (BENCHMARKS.md, "The
   * connect rate's machine").
   */
  Future<Void> subscribe(Channel channel, ClientSession session, Subscription subscription) {
    Members members = channels.get(channel);
    if (members == null) {
      members = new Members(router.join(channel, this));
      channels.put(channel, members);
    }
    Subscription before = members.add(session, subscription);
    if (before == null) {
      metrics.subscribed();
    }
    if (members.split != null && before != subscription) {
      if (before != null) {
        members.split.left(before);
      }
      members.split.joined(session, subscription);
    }
    return members.ready.succeeded() ? Future.succeededFuture() : members.ready;
  }

  void unsubscribe(Channel channel, ClientSession session) {
    Members members = channels.get(channel);
    Subscription gone = members == null ? null : members.remove(session);
    if (gone == null) {
      return;
    }
    if (members.split != null) {
      members.split.left(gone);
    }
    metrics.unsubscribed();
    if (members.isEmpty()) {
      channels.remove(channel);
      router.leave(channel, this);
    }
  }

  void opened(ClientSession session) {
    sessions.add(session);
    if (sweepTimer < 0) {
      long period = Math.max(50, Math.min(1000, transport.heartbeatMs() / 2));
      sweepTimer = vertx.setPeriodic(period, t -> sweep());
    }
  }

  void closed(ClientSession session) {
    sessions.remove(session);
  }

  /** Open sessions on this event loop. */
  public int sessionCount() {
    return sessions.size();
  }

  /** Local subscribers of a channel on this event loop. */
  public int subscriberCount(Channel channel) {
    Members m = channels.get(channel);
    return m == null ? 0 : m.size();
  }

  /** Every open session, for drain and shutdown. */
  public List<ClientSession> sessions() {
    return new ArrayList<>(sessions);
  }

  /** Stops the shared sweep. */
  public void stop() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
      sweepTimer = -1;
    }
  }

  private void sweep() {
    long now = clock.getAsLong();
    for (ClientSession s : new ArrayList<>(sessions)) {
      s.sweep(now, transport);
    }
  }

  /**
   * The sessions of one channel and their subscriptions, with cached arrays for iteration, rebuilt only after
   * membership changes. Fan-out hands each session its subscription: a lookup per delivery in the session's own
   * map touched cold memory for every subscriber.
   */
  private static final class Members {
    private final Future<Void> ready;
    private final Map<ClientSession, Subscription> map = new LinkedHashMap<>();
    private ClientSession[] sessions;
    private Subscription[] subscriptions;
    /** The pass of a fan-out under way over these members, or null. */
    private Split split;

    Members(Future<Void> ready) {
      this.ready = ready;
    }

    /** {@code s}'s subscription before, null when it was not a member yet. */
    Subscription add(ClientSession s, Subscription subscription) {
      Subscription before = map.put(s, subscription);
      if (before != subscription) {
        sessions = null;
      }
      return before;
    }

    /** {@code s}'s subscription, null when it was not a member. */
    Subscription remove(ClientSession s) {
      Subscription gone = map.remove(s);
      if (gone != null) {
        sessions = null;
      }
      return gone;
    }

    boolean isEmpty() {
      return map.isEmpty();
    }

    int size() {
      return map.size();
    }

    ClientSession[] sessions() {
      snapshot();
      return sessions;
    }

    Subscription[] subscriptions() {
      snapshot();
      return subscriptions;
    }

    private void snapshot() {
      if (sessions == null) {
        sessions = map.keySet().toArray(new ClientSession[0]);
        subscriptions = map.values().toArray(new Subscription[0]);
      }
    }
  }
}
