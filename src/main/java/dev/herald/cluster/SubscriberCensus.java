package dev.herald.cluster;

import dev.herald.message.Channel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.List;
import java.util.function.Function;

/**
 * Counts a channel's subscribers across the cluster for operators: every node answers for its own subscribers on
 * an address of its own, and a count asks each member the cluster manager knows. A member that does not answer in
 * time is reported, not guessed. Without a cluster it is this node's count.
 */
public final class SubscriberCensus {

  private static final String ADDRESS_PREFIX = "herald.census.";
  private static final long ANSWER_TIMEOUT_MS = 2000;

  private final Vertx vertx;
  private final Function<Channel, Future<Integer>> local;
  private MessageConsumer<String> consumer;

  /** @param local this node's subscribers of a channel */
  public SubscriberCensus(Vertx vertx, Function<Channel, Future<Integer>> local) {
    this.vertx = vertx;
    this.local = local;
  }

  /** The subscribers of a channel: their sum, how many nodes answered, and how many did not. */
  public record Count(int subscribers, int nodes, int unanswered) {
  }

  /** Starts answering for this node. */
  public Future<Void> start() {
    ClusterManager manager = manager();
    if (manager == null) {
      return Future.succeededFuture();
    }
    consumer = vertx.eventBus().consumer(ADDRESS_PREFIX + manager.getNodeId(), msg -> {
      Channel channel;
      try {
        channel = Channel.parse(msg.body());
      } catch (IllegalArgumentException e) {
        msg.fail(400, e.getMessage());
        return;
      }
      local.apply(channel).onComplete(r -> {
        if (r.succeeded()) {
          msg.reply(r.result());
        } else {
          msg.fail(500, r.cause().getMessage());
        }
      });
    });
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  public Future<Count> count(Channel channel) {
    ClusterManager manager = manager();
    if (manager == null) {
      return local.apply(channel).map(n -> new Count(n, 1, 0));
    }
    List<String> nodes = manager.getNodes();
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(ANSWER_TIMEOUT_MS);
    List<Future<Integer>> answers = nodes.stream()
        .map(node -> vertx.eventBus().<Integer>request(ADDRESS_PREFIX + node, channel.toString(), options)
            .map(m -> m.body()).otherwise((Integer) null))
        .toList();
    return Future.join(answers).transform(r -> {
      int sum = 0;
      int answered = 0;
      for (Future<Integer> a : answers) {
        if (a.result() != null) {
          sum += a.result();
          answered++;
        }
      }
      return Future.succeededFuture(new Count(sum, answered, nodes.size() - answered));
    });
  }

  private ClusterManager manager() {
    return vertx.isClustered() ? ((VertxInternal) vertx).clusterManager() : null;
  }
}
