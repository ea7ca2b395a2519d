package dev.herald.fanout;

import dev.herald.cluster.Addresses;
import dev.herald.message.Channel;
import dev.herald.message.ChannelMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The node's interest in channels: one event-bus consumer per channel while at least one {@link Hub} of this node
 * has a subscriber of it, registered when the first hub joins and removed when the last one leaves (clustered,
 * {@code node.channelLingerMs} later, see {@link #forNode}). A clustered registration is thus paid per channel per
 * node, never per client connection. Thread-safe: hubs on every event loop join and leave; membership changes are
 * synchronized, message dispatch reads a volatile snapshot.
 *
 * <p>A node sets {@link #dispatchOn} to the event loop its ingest and formatter run on: the formatter's publish then
 * reaches the channel's consumer on the same thread, which hands the message to every hub at once (the hub on
 * that loop at once, the others as a task each), rather than waking the loop of whichever hub joined first, which
 * then woke the others.
 */
public final class ChannelRouter {

  /**
   * How long a new clustered registration is given to reach the other nodes, ms. A node that already published
   * to a channel caches its registrations and learns of a new one from a Hazelcast entry event, throttled by
   * vertx-hazelcast (20 ms); measured 5-30 ms on loopback. A message published in that window skips this node,
   * so the route is reported ready only after this delay: the subscriber's history read then happens after it
   * and finds any such message, and later ones arrive live.
   */
  public static final long CLUSTER_SETTLE_MS = 250;

  private final Vertx vertx;
  private final EventBus bus;
  private final long settleMs;
  private final long lingerMs;
  /** Runs the linger timers: no deployment's context, whose undeploy would cancel them and strand their routes. */
  private final ContextInternal timers;
  private final Map<Channel, Route> routes = new HashMap<>();
  /** Routes made since start: each one event-bus registration. */
  private long routesCreated;
  private volatile ContextInternal home;

  /**
   * A node's router: clustered, a new route settles for {@link #CLUSTER_SETTLE_MS} and an empty one lingers for
   * {@code lingerMs} ({@code node.channelLingerMs}), so that a subscriber back within it finds the route ready (no
   * cluster-wide unregistration and registration, no settle before its {@code subscribed}; messages that reach the
   * route meanwhile meet no hub). Unclustered neither: a local registration costs little.
   */
  public static ChannelRouter forNode(Vertx vertx, long lingerMs) {
    boolean clustered = vertx.isClustered();
    return new ChannelRouter(vertx, clustered ? CLUSTER_SETTLE_MS : 0, clustered ? lingerMs : 0);
  }

  /** A router whose new routes are ready {@code settleMs} after registering and whose empty ones linger. */
  public ChannelRouter(Vertx vertx, long settleMs, long lingerMs) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.settleMs = settleMs;
    this.lingerMs = lingerMs;
    this.timers = ((VertxInternal) vertx).createEventLoopContext();
  }

  /**
   * Channel consumers registered from now on run on {@code eventLoopOf}'s event loop, on a context of their own
   * (not a deployment's, so undeploying the verticle that runs there leaves them registered). Before: on the
   * context of the hub that joined first.
   */
  public void dispatchOn(Context eventLoopOf) {
    home = (ContextInternal) ((VertxInternal) vertx).contextBuilder()
        .withEventLoop(((ContextInternal) eventLoopOf).nettyEventLoop()).build();
  }

  /** Adds a hub's interest; the future completes when the channel's registration is in effect cluster-wide. */
  public synchronized Future<Void> join(Channel channel, Hub hub) {
    Route route = routes.get(channel);
    if (route != null && route.ready.failed()) {
      // A registration that failed is tried again by the next subscriber, not handed out while the route lingers.
      drop(channel, route);
      route = null;
    }
    if (route == null) {
      route = new Route();
      MessageConsumer<ChannelMessage> consumer = newConsumer(Addresses.channel(channel));
      Route r = route;
      consumer.handler(r::dispatch);
      route.consumer = consumer;
      route.ready = settleMs == 0 ? consumer.completion()
          : consumer.completion().compose(v -> vertx.timer(settleMs).<Void>mapEmpty());
      routes.put(channel, route);
      routesCreated++;
    } else if (route.lingering >= 0) {
      vertx.cancelTimer(route.lingering);
      route.lingering = -1;
    }
    route.add(hub);
    return route.ready;
  }

  /** A consumer bound to {@link #home} when set (Vert.x binds a consumer to the context current at creation). */
  @SuppressWarnings("unchecked")
  private MessageConsumer<ChannelMessage> newConsumer(String address) {
    ContextInternal context = home;
    if (context == null) {
      return bus.consumer(address);
    }
    MessageConsumer<ChannelMessage>[] made = new MessageConsumer[1];
    context.dispatch(v -> made[0] = bus.consumer(address));
    return made[0];
  }

  /** Removes a hub's interest; the last one out unregisters the channel's consumer, at once or once it lingered. */
  public synchronized void leave(Channel channel, Hub hub) {
    Route route = routes.get(channel);
    if (route == null || !route.remove(hub)) {
      return;
    }
    if (lingerMs == 0 || route.ready.failed()) {
      drop(channel, route);
    } else if (route.lingering < 0) {
      route.lingering = timers.setTimer(lingerMs, timer -> expire(channel, route, timer));
    }
  }

  private synchronized void expire(Channel channel, Route route, long timer) {
    // Stale when a hub joined meanwhile (cancelled too late), one joined and left again (another timer), or the
    // route was dropped and replaced: each of those reset or replaced the route's timer.
    if (route.lingering == timer) {
      drop(channel, route);
    }
  }

  private void drop(Channel channel, Route route) {
    if (route.lingering >= 0) {
      vertx.cancelTimer(route.lingering);
      route.lingering = -1;
    }
    routes.remove(channel);
    route.consumer.unregister();
  }

  /** Routes made since start, each one event-bus registration: a subscriber back within the linger makes none. */
  public synchronized long routesCreated() {
    return routesCreated;
  }

  /** Whether {@code channel}'s route has no hub left and waits out its linger. */
  synchronized boolean lingers(Channel channel) {
    Route route = routes.get(channel);
    return route != null && route.lingering >= 0;
  }

  /** Whether this node has a consumer for {@code channel}, lingering or not. */
  public synchronized boolean receives(Channel channel) {
    return routes.containsKey(channel);
  }

  /** Channels this node currently receives, lingering ones included (one event-bus registration each). */
  public synchronized int registrations() {
    return routes.size();
  }

  /** One channel's consumer and the hubs it feeds. */
  private static final class Route {
    private MessageConsumer<ChannelMessage> consumer;
    private Future<Void> ready;
    private volatile Hub[] hubs = new Hub[0];
    /** The timer that drops this route once it lingered, or -1 while it has hubs; guarded by the router. */
    private long lingering = -1;

    void add(Hub hub) {
      for (Hub h : hubs) {
        if (h == hub) {
          return;
        }
      }
      Hub[] next = Arrays.copyOf(hubs, hubs.length + 1);
      next[hubs.length] = hub;
      hubs = next;
    }

    /** True when no hub is left. */
    boolean remove(Hub hub) {
      hubs = Arrays.stream(hubs).filter(h -> h != hub).toArray(Hub[]::new);
      return hubs.length == 0;
    }

    void dispatch(Message<ChannelMessage> message) {
      ChannelMessage m = message.body();
      for (Hub hub : hubs) {
        hub.receive(m);
      }
    }
  }
}
