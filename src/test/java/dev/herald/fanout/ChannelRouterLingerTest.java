package dev.herald.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.message.Channel;
import dev.herald.testing.Await;
import dev.herald.testing.Eventually;
import dev.herald.testing.TestHubs;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A channel's consumer outlives its last hub by the router's linger: a hub that joins meanwhile reuses the route
 * (its registration, already in effect), and the route goes once it lingered untouched.
 */
class ChannelRouterLingerTest {

  private static final Channel CH = Channel.parse("thread:1");
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();

  @AfterEach
  void tearDown() {
    Await.of(vertx.close());
  }

  @Test
  void aHubThatJoinsWhileTheRouteLingersReusesIt() {
    ChannelRouter router = new ChannelRouter(vertx, 0, 60_000);
    Hub first = hub(router);
    Hub second = hub(router);
    Future<Void> ready = router.join(CH, first);

    router.leave(CH, first);
    assertThat(router.lingers(CH)).isTrue();
    assertThat(router.join(CH, second)).isSameAs(ready);
    assertThat(router.lingers(CH)).as("lingers once joined again").isFalse();
    router.leave(CH, second);
    assertThat(router.lingers(CH)).isTrue();
    assertThat(router.join(CH, first)).isSameAs(ready);
    assertThat(router.routesCreated()).isEqualTo(1);
  }

  @Test
  void aRouteThatLingeredUntouchedIsDropped() {
    // Long enough that the route still lingers when asked right after the leave, however loaded the machine.
    ChannelRouter router = new ChannelRouter(vertx, 0, 2_000);
    Hub hub = hub(router);
    Future<Void> ready = router.join(CH, hub);
    Await.of(ready);

    router.leave(CH, hub);
    assertThat(router.lingers(CH)).isTrue();
    Eventually.within(10, () -> assertThat(router.receives(CH)).isFalse());
    assertThat(router.registrations()).isZero();
    assertThat(router.join(CH, hub)).isNotSameAs(ready);
    assertThat(router.routesCreated()).isEqualTo(2);
  }

  @Test
  void aRouteLeftFromAVerticleThatIsThenUndeployedStillExpires() {
    ChannelRouter router = new ChannelRouter(vertx, 0, 200);
    Hub hub = hub(router);
    router.join(CH, hub);
    // Hubs run on the HTTP verticles' loops; a timer of a verticle's context would go with its undeploy.
    String id = Await.of(vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        router.leave(CH, hub);
        return Future.succeededFuture();
      }
    }));
    Await.of(vertx.undeploy(id));
    Eventually.within(10, () -> assertThat(router.receives(CH)).isFalse());
  }

  @Test
  void aLingerTimerThatFiresAsAHubJoinsLeavesTheRouteInPlace() {
    ChannelRouter router = new ChannelRouter(vertx, 0, 20);
    Hub hub = hub(router);
    Future<Void> ready = router.join(CH, hub);
    Await.of(ready);
    long timerThread;
    // Holding the router's lock: the linger's timer fires and waits for the lock, too late for the join to cancel it.
    synchronized (router) {
      router.leave(CH, hub);
      timerThread = Eventually.get(10, () -> threadBlockedOn(router));
      assertThat(router.join(CH, hub)).isSameAs(ready);
    }
    // A thread leaves BLOCKED only holding the lock; taking it after that waits for the stale expiry to have run.
    Eventually.within(10, () -> assertThat(THREADS.getThreadInfo(timerThread).getThreadState())
        .isNotEqualTo(Thread.State.BLOCKED));
    synchronized (router) {
      assertThat(router.receives(CH)).as("the route of a hub that joined stays").isTrue();
      assertThat(router.lingers(CH)).isFalse();
    }
    assertThat(router.routesCreated()).isEqualTo(1);
  }

  /** The id of the thread that waits for {@code lock}'s monitor; fails while there is none. */
  private static long threadBlockedOn(Object lock) {
    for (ThreadInfo info : THREADS.dumpAllThreads(false, false)) {
      LockInfo wanted = info.getLockInfo();
      if (info.getThreadState() == Thread.State.BLOCKED && wanted != null
          && wanted.getIdentityHashCode() == System.identityHashCode(lock)) {
        return info.getThreadId();
      }
    }
    throw new AssertionError("no thread waits for the router's lock yet");
  }

  @Test
  void aRouteWithAHubLeftDoesNotLinger() {
    ChannelRouter router = new ChannelRouter(vertx, 0, 100);
    Hub staying = hub(router);
    Hub leaving = hub(router);
    router.join(CH, staying);
    router.join(CH, leaving);

    router.leave(CH, leaving);
    assertThat(router.lingers(CH)).isFalse();
    assertThat(router.receives(CH)).isTrue();
  }

  @Test
  void unclusteredTheLastHubOutDropsTheRouteAtOnce() {
    ChannelRouter router = ChannelRouter.forNode(vertx, 60_000);
    Hub hub = hub(router);
    router.join(CH, hub);

    router.leave(CH, hub);
    assertThat(router.receives(CH)).isFalse();
  }

  private Hub hub(ChannelRouter router) {
    return TestHubs.on(vertx, context, router);
  }
}
