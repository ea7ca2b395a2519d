package dev.herald.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.LimitsConfig;
import dev.herald.config.NodeConfig;
import dev.herald.config.TransportConfig;
import dev.herald.engine.memory.MemoryHistory;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sessions opened together are not all pinged in the same sweep: their first heartbeats spread over the second
 * half of the interval, and each is pinged once per interval after that. The hub's clock is driven by the test.
 */
class HeartbeatSpreadTest {

  private static final long HEARTBEAT_MS = 25_000;
  private static final long SWEEP_MS = 1_000;
  private static final int SESSIONS = 1_000;

  private final AtomicLong clock = new AtomicLong(1_000_000);
  private Vertx vertx;
  private Context context;
  private Hub hub;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    ChannelRouter router = ChannelRouter.forNode(vertx, NodeConfig.DEFAULT_CHANNEL_LINGER_MS);
    hub = on(() -> new Hub(vertx, context, router, transport(), clock::get, HeraldMetrics.standalone()));
  }

  @AfterEach
  void tearDown() {
    Await.of(vertx.close());
  }

  private static TransportConfig transport() {
    return new TransportConfig(HEARTBEAT_MS, 10 * HEARTBEAT_MS, 30_000, 1_048_576, 30_000, 7, 128);
  }

  /** Runs on the hub's event loop and waits for the result. */
  private <T> T on(Callable<T> action) {
    return Await.on(context, action);
  }

  @Test
  void sessionsOpenedTogetherArePingedInDifferentSweepsOncePerInterval() {
    long opened = clock.get();
    List<RecordingSubscriber> pings = new ArrayList<>();
    List<ClientSession> sessions = on(() -> {
      List<ClientSession> all = new ArrayList<>();
      LimitsConfig limits = new LimitsConfig(65_536, 100, 1_000_000, 10, 0, 20_000);
      for (int i = 0; i < SESSIONS; i++) {
        RecordingSubscriber out = new RecordingSubscriber();
        pings.add(out);
        all.add(new ClientSession(hub, out, new MemoryHistory(10, 0, 60_000, clock::get), SubscribePolicy.OPEN,
            limits, transport(), "c" + i, null));
      }
      return all;
    });

    // Two intervals of sweeps, one a second, as the hub runs them.
    List<Integer> pingedPerSweep = new ArrayList<>();
    long[] firstPingAt = new long[SESSIONS];
    for (long t = opened + SWEEP_MS; t <= opened + 2 * HEARTBEAT_MS; t += SWEEP_MS) {
      long now = t;
      clock.set(now);
      int before = pings.stream().mapToInt(p -> p.heartbeats).sum();
      on(() -> {
        sessions.forEach(s -> s.sweep(now, transport()));
        return null;
      });
      pingedPerSweep.add(pings.stream().mapToInt(p -> p.heartbeats).sum() - before);
      for (int i = 0; i < SESSIONS; i++) {
        if (firstPingAt[i] == 0 && pings.get(i).heartbeats > 0) {
          firstPingAt[i] = now - opened;
        }
      }
    }

    for (long at : firstPingAt) {
      assertThat(at).isBetween(HEARTBEAT_MS / 2, HEARTBEAT_MS);
    }
    // Spread uniformly over 13 sweeps, each gets ~77; all in one sweep was the behaviour this replaces.
    assertThat(pingedPerSweep.stream().mapToInt(Integer::intValue).max().orElseThrow())
        .isLessThan(SESSIONS / 4);
    // Each session is pinged once per interval (+ up to one sweep): twice in two intervals at most.
    assertThat(pings).allSatisfy(p -> assertThat(p.heartbeats).isBetween(1, 2));
    assertThat(pings.stream().mapToInt(p -> p.heartbeats).sum()).isGreaterThan(SESSIONS);
  }
}
