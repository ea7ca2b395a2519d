package dev.herald.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.cluster.Codecs;
import dev.herald.config.LimitsConfig;
import dev.herald.config.NodeConfig;
import dev.herald.engine.memory.MemoryHistory;
import dev.herald.message.Channel;
import dev.herald.message.RenderedMessage;
import dev.herald.testing.Await;
import dev.herald.testing.Eventually;
import dev.herald.testing.TestHubs;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where a channel's messages are handed to the hubs: on the router's dispatch loop, and to a hub on that same loop
 * within the dispatching task (no task of its own, no wake-up), even when another loop's hub joined first.
 */
class ChannelDispatchTest {

  private static final Channel CH = Channel.parse("thread:1");

  private Vertx vertx;
  private MemoryHistory history;
  private Publisher publisher;
  private ChannelRouter router;
  private final List<Context> loops = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    Codecs.register(vertx.eventBus());
    for (var loop : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      loops.add(((VertxInternal) vertx).contextBuilder().withEventLoop((EventLoop) loop).build());
    }
    history = new MemoryHistory(50, 0, 60_000, System::currentTimeMillis);
    publisher = new Publisher(vertx.eventBus(), history);
    router = ChannelRouter.forNode(vertx, NodeConfig.DEFAULT_CHANNEL_LINGER_MS);
  }

  @AfterEach
  void tearDown() {
    Await.of(vertx.close());
  }

  @Test
  void aHubOnTheDispatchLoopGetsTheMessageWithinTheDispatchingTask() {
    Context dispatch = loops.get(0);
    router.dispatchOn(dispatch);
    // The other loop's hub joins first: without a dispatch loop, the channel's consumer would run on its loop.
    RecordingSubscriber far = subscribed(hubOn(loops.get(1)));
    RecordingSubscriber near = subscribed(hubOn(dispatch));

    assertThat(seenByTaskQueuedAfterPublish(dispatch, near)).isEqualTo(1);
    Eventually.within(10, () -> assertThat(far.data()).containsExactly(1));
    assertThat(near.data()).containsExactly(1);
  }

  @Test
  void withoutADispatchLoopTheFirstHubsLoopDispatchesToItsOwnHubWithinTheTask() {
    RecordingSubscriber first = subscribed(hubOn(loops.get(1)));
    RecordingSubscriber second = subscribed(hubOn(loops.get(0)));

    assertThat(seenByTaskQueuedAfterPublish(loops.get(1), first)).isEqualTo(1);
    Eventually.within(10, () -> assertThat(second.data()).containsExactly(1));
  }

  @Test
  void consumersOutliveTheVerticleWhoseLoopTheyRunOn() {
    Verticle pipeline = new Verticle();
    String id = Await.of(vertx.deployVerticle(pipeline));
    router.dispatchOn(pipeline.context());
    RecordingSubscriber out = subscribed(hubOn(loops.get(1)));

    Await.of(vertx.undeploy(id));
    Await.on(loops.get(1), () -> publisher.publish(message(1)));

    Eventually.within(10, () -> assertThat(out.data()).containsExactly(1));
  }

  /**
   * Publishes message 1 from {@code context}'s loop and, in the same task, queues a probe there: the channel
   * consumer's task is queued before the probe, so a hub on that loop has the message by the time the probe runs
   * only if the consumer's task handed it over itself rather than queuing a task of the hub's (behind the probe).
   * Answers how many messages {@code out} had when the probe ran.
   */
  private Integer seenByTaskQueuedAfterPublish(Context context, RecordingSubscriber out) {
    return Await.of(Await.on(context, () -> {
      publisher.publish(message(1));
      Promise<Integer> probe = Promise.promise();
      context.runOnContext(v -> probe.complete(out.data().size()));
      return probe.future();
    }));
  }

  private Hub hubOn(Context context) {
    return TestHubs.on(vertx, context, router);
  }

  private RecordingSubscriber subscribed(Hub hub) {
    RecordingSubscriber out = new RecordingSubscriber();
    Await.on(hub.context(), () -> {
      new ClientSession(hub, out, history, SubscribePolicy.OPEN, limits(), TestHubs.TRANSPORT, "c", null)
          .subscribe(List.of(CH.toString()), Map.of(), null);
      return null;
    });
    Eventually.within(10, () -> assertThat(out.ofOp("subscribed")).hasSize(1));
    return out;
  }

  private static LimitsConfig limits() {
    return new LimitsConfig(65_536, 100, 1_000_000, 10, 0, 20_000);
  }

  private static RenderedMessage message(int n) {
    return new RenderedMessage(List.of(CH), "t", Buffer.buffer("\"type\":\"t\",\"data\":" + n), null, 0);
  }

  /** Stands for the ingest verticle: a deployment whose context the router dispatches on. */
  private static final class Verticle extends VerticleBase {
    Context context() {
      return context;
    }
  }
}
