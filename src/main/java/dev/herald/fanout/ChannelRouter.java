package dev.herald.fanout;

import dev.herald.cluster.Addresses;
import dev.herald.message.Channel;
import dev.herald.message.ChannelMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The node's interest in channels: one event-bus consumer per channel while at least one {@link Hub} of this node
 * has a subscriber of it, registered when the first hub joins and removed when the last one leaves. A clustered
 * registration is thus paid per channel per node, never per client connection. Thread-safe: hubs on every event
 * loop join and leave; membership changes are synchronized, message dispatch reads a volatile snapshot.
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
  private final Map<Channel, Route> routes = new HashMap<>();

  /** A router on {@code vertx}'s event bus; clustered, a new route settles for {@link #CLUSTER_SETTLE_MS}. */
  public ChannelRouter(Vertx vertx) {
    this(vertx, vertx.isClustered() ? CLUSTER_SETTLE_MS : 0);
  }

  public ChannelRouter(Vertx vertx, long settleMs) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.settleMs = settleMs;
  }

  /** Adds a hub's interest; the future completes when the channel's registration is in effect cluster-wide. */
  public synchronized Future<Void> join(Channel channel, Hub hub) {
    Route route = routes.get(channel);
    if (route == null) {
      route = new Route();
      MessageConsumer<ChannelMessage> consumer = bus.consumer(Addresses.channel(channel));
      Route r = route;
      consumer.handler(r::dispatch);
      route.consumer = consumer;
      route.ready = settleMs == 0 ? consumer.completion()
          : consumer.completion().compose(v -> vertx.timer(settleMs).<Void>mapEmpty());
      routes.put(channel, route);
    }
    route.add(hub);
    return route.ready;
  }

  /** Removes a hub's interest; the last one out unregisters the channel's consumer. */
  public synchronized void leave(Channel channel, Hub hub) {
    Route route = routes.get(channel);
    if (route != null && route.remove(hub)) {
      routes.remove(channel);
      route.consumer.unregister();
    }
  }

  /** Channels this node currently receives (one event-bus registration each). */
  public synchronized int registrations() {
    return routes.size();
  }

  /** One channel's consumer and the hubs it feeds. */
  private static final class Route {
    private MessageConsumer<ChannelMessage> consumer;
    private Future<Void> ready;
    private volatile Hub[] hubs = new Hub[0];

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
