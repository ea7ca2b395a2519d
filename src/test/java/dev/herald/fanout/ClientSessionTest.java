package dev.herald.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.cluster.Codecs;
import dev.herald.config.LimitsConfig;
import dev.herald.config.NodeConfig;
import dev.herald.engine.memory.MemoryHistory;
import dev.herald.message.Channel;
import dev.herald.metrics.Meters;
import dev.herald.message.RenderedMessage;
import dev.herald.testing.Await;
import dev.herald.testing.Scrape;
import dev.herald.testing.TestHubs;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client protocol against a real event bus and the memory history: contiguous delivery, gap filling,
 * duplicates, catch-up of a full socket, loss signalling.
 */
class ClientSessionTest {

  private static final Channel CH = Channel.parse("thread:1");

  private Vertx vertx;
  private Context context;
  private MemoryHistory history;
  private Publisher publisher;
  private Hub hub;
  private ChannelRouter router;
  private GatedHistory gated;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    Codecs.register(vertx.eventBus());
    context = vertx.getOrCreateContext();
    history = new MemoryHistory(50, 0, 60_000, System::currentTimeMillis);
    gated = new GatedHistory(history);
    publisher = new Publisher(vertx.eventBus(), history);
    router = ChannelRouter.forNode(vertx, NodeConfig.DEFAULT_CHANNEL_LINGER_MS);
    hub = TestHubs.on(vertx, context, router);
  }

  @AfterEach
  void tearDown() {
    Await.of(vertx.close());
  }

  private static LimitsConfig limits() {
    return new LimitsConfig(65_536, 100, 1_000_000, 10, 0, 20_000);
  }

  /** Runs on the hub's event loop and waits for the result. */
  private <T> T on(Callable<T> action) {
    return Await.on(context, action);
  }

  private ClientSession session(RecordingSubscriber out) {
    return on(() -> new ClientSession(hub, out, gated, SubscribePolicy.OPEN, limits(), TestHubs.TRANSPORT, "c1", null));
  }

  /** A session subscribed to {@link #CH} from now on, once its {@code subscribed} frame arrived. */
  private ClientSession subscribed(RecordingSubscriber out) {
    ClientSession s = session(out);
    subscribe(s, null);
    eventually(() -> out.ofOp("subscribed").size() == 1);
    return s;
  }

  private void subscribe(ClientSession s, String since) {
    on(() -> {
      s.subscribe(List.of(CH.toString()), since == null ? Map.of() : Map.of(CH.toString(), since), null);
      return null;
    });
  }

  private void publish(int n) {
    Await.of(on(() -> publisher.publish(message(n))));
  }

  /** Commits without publishing: as if the live message were lost or late. */
  private void commitOnly(int n) {
    Await.of(history.commit(CH, null, body(n)));
  }

  private static Buffer body(int n) {
    return Buffer.buffer("\"type\":\"t\",\"data\":" + n);
  }

  private static RenderedMessage message(int n) {
    return new RenderedMessage(List.of(CH), "t", body(n), null, 0);
  }

  private static void eventually(BooleanSupplier condition) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.yield();
    }
  }

  /**
   * A channel the hub already receives answers a new subscriber in the task that subscribed it, so the subscribed
   * frame leaves with whatever that task wrote (a WebSocket's 101 and hello): no hand-off to the router's loop.
   */
  @Test
  void aSubscriberOfAChannelTheHubAlreadyReceivesIsAnsweredInTheSameTask() {
    assertThat(subscribedFramesInTheSubscribingTask(context)).isEqualTo(1);
  }

  /** The same from another context on the hub's event loop, as a connection's context can be. */
  @Test
  void anotherContextOnTheHubsLoopIsAnsweredInTheSameTaskToo() {
    assertThat(subscribedFramesInTheSubscribingTask(((ContextInternal) context).duplicate())).isEqualTo(1);
  }

  /**
   * Subscribes a second session to a channel the hub already receives, in a task on {@code subscribing}; returns the
   * subscribed frames it had been sent when that task ended. The channels' consumers run on a loop of their own, not
   * the hub's, as on a node.
   */
  private int subscribedFramesInTheSubscribingTask(Context subscribing) {
    router.dispatchOn(contextOnAnotherLoop());
    subscribed(new RecordingSubscriber());
    RecordingSubscriber out = new RecordingSubscriber();
    ClientSession s = session(out);
    return Await.on(subscribing, () -> {
      s.subscribe(List.of(CH.toString()), Map.of(), null);
      return out.ofOp("subscribed").size();
    });
  }

  private Context contextOnAnotherLoop() {
    EventLoop hubLoop = ((ContextInternal) context).nettyEventLoop();
    for (EventExecutor loop : ((VertxInternal) vertx).eventLoopGroup()) {
      if (loop != hubLoop) {
        return ((VertxInternal) vertx).contextBuilder().withEventLoop((EventLoop) loop).build();
      }
    }
    throw new IllegalStateException("one event loop only");
  }

  @Test
  void liveMessagesArriveInOrderOnce() {
    RecordingSubscriber out = new RecordingSubscriber();
    subscribed(out);
    IntStream.rangeClosed(1, 20).forEach(this::publish);
    eventually(() -> out.data().size() == 20);
    assertThat(out.data()).containsExactlyElementsOf(IntStream.rangeClosed(1, 20).boxed().toList());
  }

  @Test
  void aGapIsFilledFromHistoryBeforeTheNextLiveMessage() {
    RecordingSubscriber out = new RecordingSubscriber();
    subscribed(out);
    publish(1);
    commitOnly(2);
    commitOnly(3);
    publish(4);
    eventually(() -> out.data().size() == 4);
    assertThat(out.data()).containsExactly(1, 2, 3, 4);
    assertThat(counted(Meters.HISTORY_READS)).isPositive();
    assertThat(counted(Meters.HISTORY_READ_FAILURES)).isZero();
  }

  @Test
  void aFailedGapReadIsCountedAndRetried() {
    RecordingSubscriber out = new RecordingSubscriber();
    subscribed(out);
    gated.failNext(1);
    commitOnly(1);
    publish(2);
    eventually(() -> out.data().size() == 2);
    assertThat(out.data()).containsExactly(1, 2);
    assertThat(counted(Meters.HISTORY_READ_FAILURES)).isEqualTo(1);
    assertThat(counted(Meters.HISTORY_READS)).isGreaterThanOrEqualTo(2);
  }

  private double counted(String meter) {
    return hub.metrics().registry().get(meter).counter().count();
  }

  @Test
  void aRepublishedDuplicateIsSkipped() {
    RecordingSubscriber out = new RecordingSubscriber();
    subscribed(out);
    RenderedMessage once = new RenderedMessage(List.of(CH), "t", body(1), "post:x", 0);
    Await.of(on(() -> publisher.publish(once)));
    Await.of(on(() -> publisher.publish(once)));
    publish(2);
    eventually(() -> out.data().size() == 2);
    assertThat(out.data()).containsExactly(1, 2);
  }

  @Test
  void aFullSocketCatchesUpFromHistoryInOrderWithoutDuplicates() {
    RecordingSubscriber out = new RecordingSubscriber();
    subscribed(out);
    publish(1);
    eventually(() -> out.data().size() == 1);
    out.full = true;
    IntStream.rangeClosed(2, 30).forEach(this::publish);
    assertThat(out.data()).containsExactly(1);
    on(() -> {
      out.drain();
      return null;
    });
    IntStream.rangeClosed(31, 35).forEach(this::publish);
    eventually(() -> out.data().size() == 35);
    assertThat(out.data()).containsExactlyElementsOf(IntStream.rangeClosed(1, 35).boxed().toList());
    assertThat(out.ofOp("subscribed")).hasSize(1);
  }

  @Test
  void everyFrameHandedToASubscriberIsCountedLiveOrReplayedButNotARefusedOne() {
    List<RecordingSubscriber> outs = IntStream.range(0, 150).mapToObj(i -> new RecordingSubscriber()).toList();
    outs.forEach(this::subscribed);
    RecordingSubscriber full = outs.get(0);
    full.full = true;
    long accepted = System.currentTimeMillis() - 40;
    Await.of(on(() -> publisher.publish(new RenderedMessage(List.of(CH), "t", body(1), null, accepted))));
    // The hub counts a batch after handing it out: wait for the count, not for the last subscriber's frame.
    eventually(() -> scrape().value("herald_delivery_messages_total") >= 149);
    // 149 live deliveries (more than one batch of the hub's count), the full socket's offer refused.
    Scrape live = scrape();
    assertThat(outs.stream().filter(o -> o.data().size() == 1).count()).isEqualTo(149);
    assertThat(live.value("herald_delivery_messages_total")).isEqualTo(149);
    assertThat(live.value("herald_delivery_latency_seconds_count")).isEqualTo(149);
    assertThat(live.value("herald_delivery_latency_seconds_bucket{le=\"0.025\"}")).isZero();
    assertThat(live.value("herald_delivery_dropped_messages_total")).isEqualTo(1);
    on(() -> {
      full.drain();
      return null;
    });
    eventually(() -> scrape().value("herald_delivery_messages_total") >= 150);
    // The catch-up replayed message 1 to the drained socket: a delivery without a latency.
    Scrape after = scrape();
    assertThat(full.data()).containsExactly(1);
    assertThat(after.value("herald_delivery_messages_total")).isEqualTo(150);
    assertThat(after.value("herald_delivery_latency_seconds_count")).isEqualTo(149);
  }

  private Scrape scrape() {
    return Scrape.parse(((PrometheusMeterRegistry) hub.metrics().registry()).scrape());
  }

  @Test
  void fallingBehindTheWholeHistoryIsSignalled() {
    RecordingSubscriber out = new RecordingSubscriber();
    subscribed(out);
    publish(1);
    eventually(() -> out.data().size() == 1);
    out.full = true;
    IntStream.rangeClosed(2, 80).forEach(this::publish);
    on(() -> {
      out.drain();
      return null;
    });
    eventually(() -> out.data().size() == 51);
    List<io.vertx.core.json.JsonObject> again = out.ofOp("subscribed");
    assertThat(again).hasSize(2);
    assertThat(again.get(1).getBoolean("recovered")).isFalse();
    assertThat(out.data().subList(1, 51)).containsExactlyElementsOf(IntStream.rangeClosed(31, 80).boxed().toList());
  }

  @Test
  void resumeReplaysMissedMessagesThenLiveOnesArrivingDuringTheReplay() {
    IntStream.rangeClosed(1, 20).forEach(this::commitOnly);
    String since = Await.of(history.since(CH, null, 0)).position().epoch() + "-5";
    RecordingSubscriber out = new RecordingSubscriber();
    ClientSession s = session(out);
    gated.hold();
    subscribe(s, since);
    eventually(() -> gated.waiting() == 1);
    IntStream.rangeClosed(21, 25).forEach(this::publish);
    gated.release();
    eventually(() -> out.data().size() == 20);
    assertThat(out.ofOp("subscribed").get(0).getBoolean("recovered")).isTrue();
    assertThat(out.data()).containsExactlyElementsOf(IntStream.rangeClosed(6, 25).boxed().toList());
    publish(26);
    eventually(() -> out.data().size() == 21);
    assertThat(out.data().get(20)).isEqualTo(26);
  }

  @Test
  void evictedSinceIsNotRecovered() {
    IntStream.rangeClosed(1, 60).forEach(this::commitOnly);
    String since = Await.of(history.since(CH, null, 0)).position().epoch() + "-3";
    RecordingSubscriber out = new RecordingSubscriber();
    ClientSession s = session(out);
    subscribe(s, since);
    eventually(() -> out.data().size() == 50);
    assertThat(out.ofOp("subscribed").get(0).getBoolean("recovered")).isFalse();
    assertThat(out.data().get(0)).isEqualTo(11);
  }

  @Test
  void registrationsFollowSubscribersThroughManyCycles() {
    RecordingSubscriber out = new RecordingSubscriber();
    ClientSession s = session(out);
    for (int i = 0; i < 10_000; i++) {
      String name = "thread:" + (i % 50);
      on(() -> {
        s.subscribe(List.of(name), Map.of(), null);
        if (router.registrations() != 1) {
          throw new AssertionError("one registration expected while subscribed");
        }
        s.unsubscribe(List.of(name));
        return null;
      });
    }
    assertThat(router.registrations()).isZero();
    assertThat(on(() -> hub.subscriberCount(Channel.parse("thread:7")))).isZero();
  }
}
