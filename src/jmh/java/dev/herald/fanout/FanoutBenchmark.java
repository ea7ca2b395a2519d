package dev.herald.fanout;

import dev.herald.config.LimitsConfig;
import dev.herald.config.NodeConfig;
import dev.herald.config.TransportConfig;
import dev.herald.engine.memory.MemoryHistory;
import dev.herald.message.Channel;
import dev.herald.message.ChannelMessage;
import dev.herald.message.MessageFrame;
import dev.herald.message.MessageId;
import dev.herald.metrics.HeraldMetrics;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One hub delivering a live message to 1, 100 or 10,000 subscribed sessions whose subscriber only counts what it
 * is offered (no socket): the cost of {@link Hub} plus {@link ClientSession#onLive} per message. The message is
 * dispatched on the hub's context from the benchmark thread, so delivery runs synchronously.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FanoutBenchmark {

  @Param({"1", "100", "10000"})
  public int subscribers;

  private final Channel channel = Channel.parse("bench:1");
  private final Buffer frame = MessageFrame.encode(channel, new MessageId("e", 1),
      Buffer.buffer("\"type\":\"message\",\"data\":{\"t\":1763776000000000,\"n\":42}"));
  private final AtomicLong offered = new AtomicLong();
  private Vertx vertx;
  private ContextInternal context;
  private Hub hub;
  private long offset;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    vertx = Vertx.vertx();
    Context ctx = vertx.getOrCreateContext();
    context = (ContextInternal) ctx;
    TransportConfig transport = new TransportConfig(TransportConfig.DEFAULT_HEARTBEAT_MS, 3_600_000,
        TransportConfig.DEFAULT_POLL_TIMEOUT_MS, TransportConfig.DEFAULT_MAX_BUFFERED_BYTES,
        TransportConfig.DEFAULT_STALL_TIMEOUT_MS, TransportConfig.DEFAULT_REPLAY_BATCH,
        TransportConfig.DEFAULT_FLUSH_CHUNK);
    LimitsConfig limits = new LimitsConfig(65_536, 100, 100, 10, 0, 20_000);
    MemoryHistory history = new MemoryHistory(1000, 86_400_000, 600_000, System::currentTimeMillis);
    AtomicLong subscribed = new AtomicLong();
    CountDownLatch built = new CountDownLatch(1);
    ChannelRouter router = ChannelRouter.forNode(vertx, NodeConfig.DEFAULT_CHANNEL_LINGER_MS);
    ctx.runOnContext(v -> {
      hub = new Hub(vertx, ctx, router, transport, System::currentTimeMillis, HeraldMetrics.standalone());
      List<ClientSession> sessions = new ArrayList<>();
      for (int i = 0; i < subscribers; i++) {
        ClientSession s = new ClientSession(hub, new CountingSubscriber(offered, subscribed), history,
            SubscribePolicy.OPEN, limits, transport, "c" + i, null);
        sessions.add(s);
        s.subscribe(List.of(channel.toString()), Map.of(), null);
      }
      built.countDown();
    });
    built.await();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (subscribed.get() < subscribers) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + subscribed.get() + " of " + subscribers + " subscribed");
      }
      Thread.sleep(10);
    }
    // Every session is live once its subscribed frame went out; let the last replay callbacks finish.
    Thread.sleep(200);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (offered.get() == 0) {
      throw new IllegalStateException("no message was offered: the sessions are not live");
    }
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @Benchmark
  public void deliver() {
    ChannelMessage m = new ChannelMessage(channel, new MessageId("e", ++offset), frame, 0);
    context.dispatch(m, hub::receive);
  }

  /** Counts offers and accepts everything, like a socket that never fills. */
  private static final class CountingSubscriber implements Subscriber {
    private final AtomicLong offered;
    private final AtomicLong subscribed;

    CountingSubscriber(AtomicLong offered, AtomicLong subscribed) {
      this.offered = offered;
      this.subscribed = subscribed;
    }

    @Override
    public Offer offer(ChannelMessage message) {
      offered.lazySet(offered.get() + 1);
      return Offer.WRITTEN;
    }

    @Override
    public void send(Buffer frame) {
      if (frame.toString().contains("\"op\":\"subscribed\"")) {
        subscribed.incrementAndGet();
      }
    }

    @Override
    public void whenDrained(Runnable action) {
      action.run();
    }

    @Override
    public long bufferedBytes() {
      return 0;
    }

    @Override
    public void close(CloseReason reason) {
    }
  }
}
