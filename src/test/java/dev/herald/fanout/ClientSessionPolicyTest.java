package dev.herald.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.JwtConfig;
import dev.herald.config.LimitsConfig;
import dev.herald.config.NamespacesConfig;
import dev.herald.config.NodeConfig;
import dev.herald.config.TransportConfig;
import dev.herald.engine.memory.MemoryHistory;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.security.TokenPolicy;
import dev.herald.testing.Await;
import dev.herald.testing.HostileInput;
import dev.herald.testing.TestNodes;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile frames into a real session (memory history, token policy, recording subscriber): nothing escapes, every
 * frame the parser refuses is answered with an {@code error} of its documented code, and everything the session
 * sends is a documented frame.
 */
class ClientSessionPolicyTest {

  private static final Set<String> OPS = Set.of("hello", "subscribed", "unsubscribed", "pong", "error", "disconnect",
      "message");
  private static final Set<String> CODES = Arrays.stream(ErrorCode.values()).map(ErrorCode::wire)
      .collect(Collectors.toSet());

  private static final TransportConfig TRANSPORT = new TransportConfig(25_000, 600_000, 30_000, 1 << 20, 30_000, 500,
      128);

  private static Vertx vertx;
  private static Context context;
  private static Hub hub;
  private static MemoryHistory history;
  private static SubscribePolicy policy;

  @BeforeContainer
  static void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    TransportConfig transport = new TransportConfig(25_000, 60_000, 30_000, 1 << 20, 30_000, 500, 128);
    ChannelRouter router = ChannelRouter.forNode(vertx, NodeConfig.DEFAULT_CHANNEL_LINGER_MS);
    Promise<Hub> made = Promise.promise();
    context.runOnContext(v -> made.complete(new Hub(vertx, context, router, transport,
        System::currentTimeMillis, HeraldMetrics.standalone())));
    hub = Await.of(made.future(), 10);
    history = new MemoryHistory(100, 60_000, 60_000, System::currentTimeMillis);
    policy = TokenPolicy.create(vertx, new NamespacesConfig(NamespacesConfig.DEFAULT_PRIVATE),
        new JwtConfig(List.of(TestNodes.JWT_SECRET), List.of(), 0));
  }

  @AfterContainer
  static void stop() {
    Promise<Void> stopped = Promise.promise();
    context.runOnContext(v -> {
      hub.stop();
      stopped.complete();
    });
    Await.of(stopped.future(), 10);
    Await.of(vertx.close(), 10);
  }

  @Property(tries = 300)
  void hostileFramesGetDocumentedAnswersAndNothingEscapes(@ForAll("frames") List<String> frames) {
    RecordingSubscriber out = new RecordingSubscriber();
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      try {
        ClientSession session = new ClientSession(hub, out, history, policy,
            new LimitsConfig(512, 10, 100, 10, 0, 1000), new TransportConfig(25_000, 60_000, 30_000, 1 << 20,
            30_000, 500, 128), "c", null);
        session.hello();
        for (String f : frames) {
          boolean open = !session.isClosed();
          int before = out.frames.size();
          int bytes = f.getBytes(StandardCharsets.UTF_8).length;
          session.onFrame(f, bytes);
          ClientFrame parsed = ClientFrameParser.parse(f);
          String expected = bytes > 512 ? ErrorCode.TOO_LARGE.wire()
              : parsed instanceof ClientFrame.Invalid i ? i.code().wire() : null;
          if (open && expected != null) {
            List<JsonObject> answer = List.copyOf(out.frames).subList(before, out.frames.size());
            assertThat(answer).as(f).anyMatch(a -> "error".equals(a.getString("op"))
                && expected.equals(a.getString("code")));
          }
        }
        session.closed();
        done.complete();
      } catch (Throwable t) {
        done.fail(t);
      }
    });
    Await.of(done.future(), 10);
    for (JsonObject f : List.copyOf(out.frames)) {
      assertThat(f.getString("op")).isIn(OPS);
      if ("error".equals(f.getString("op"))) {
        assertThat(f.getString("code")).isIn(CODES);
        assertThat(f.getString("reason")).isNotBlank();
      }
    }
  }

  /** Runs {@code action} on the hub's event loop and waits for it. */
  private static void onLoop(java.util.function.Consumer<Promise<Void>> action) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      try {
        action.accept(done);
      } catch (Throwable t) {
        done.tryFail(t);
      }
    });
    Await.of(done.future(), 10);
  }

  private static ClientSession session(RecordingSubscriber out, SubscribePolicy p) {
    return new ClientSession(hub, out, history, p, new LimitsConfig(65_536, 10, 100, 10, 0, 1000), TRANSPORT, "c",
        "connect-token");
  }

  private static List<JsonObject> waitFor(RecordingSubscriber out, java.util.function.Predicate<JsonObject> match) {
    long deadline = System.currentTimeMillis() + 5000;
    while (List.copyOf(out.frames).stream().noneMatch(match)) {
      assertThat(System.currentTimeMillis()).as("frames " + out.frames).isLessThan(deadline);
      Thread.onSpinWait();
    }
    return List.copyOf(out.frames);
  }

  @Example
  void expiredSubscriptionIsStoppedWithTokenExpiredAndRefreshExtendsIt() {
    long now = System.currentTimeMillis();
    java.util.concurrent.atomic.AtomicLong grantUntil = new java.util.concurrent.atomic.AtomicLong(now + 5000);
    List<String> tokensSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
    SubscribePolicy p = (channel, connectToken, frameToken) -> {
      tokensSeen.add(frameToken != null ? frameToken : connectToken);
      return io.vertx.core.Future.succeededFuture(SubscribePolicy.Decision.allowUntil(
          channel.namespace().equals("user") ? grantUntil.get() : 0));
    };
    RecordingSubscriber out = new RecordingSubscriber();
    ClientSession[] s = new ClientSession[1];
    onLoop(done -> {
      s[0] = session(out, p);
      s[0].subscribe(List.of("user:1", "user:2", "thread:1"), java.util.Map.of(), null);
      done.complete();
    });
    waitFor(out, f -> "subscribed".equals(f.getString("op")) && "thread:1".equals(f.getString("channel")));
    waitFor(out, f -> "subscribed".equals(f.getString("op")) && "user:2".equals(f.getString("channel")));
    grantUntil.set(now + 60_000);
    onLoop(done -> {
      s[0].onFrame("{\"op\":\"refresh\",\"token\":\"fresh\"}", 40);
      s[0].sweep(now + 5000, TRANSPORT);
      done.complete();
    });
    assertThat(tokensSeen).contains("fresh");
    assertThat(List.copyOf(out.frames)).noneMatch(f -> "token_expired".equals(f.getString("code")));
    onLoop(done -> {
      s[0].sweep(now + 60_000, TRANSPORT);
      done.complete();
    });
    List<JsonObject> frames = List.copyOf(out.frames);
    assertThat(frames).filteredOn(f -> "token_expired".equals(f.getString("code")))
        .extracting(f -> f.getString("channel")).containsExactlyInAnyOrder("user:1", "user:2");
    onLoop(done -> {
      assertThat(s[0].channels()).extracting(Object::toString).containsExactly("thread:1");
      s[0].closed();
      done.complete();
    });
  }

  @Example
  void unsubscribeWhileThePolicyIsDecidingCancelsTheSubscription() {
    Promise<SubscribePolicy.Decision> decision = Promise.promise();
    RecordingSubscriber out = new RecordingSubscriber();
    ClientSession[] s = new ClientSession[1];
    onLoop(done -> {
      s[0] = session(out, (c, a, b) -> decision.future());
      s[0].subscribe(List.of("user:1"), java.util.Map.of(), null);
      // Still pending: a second subscribe is a duplicate, neither a second check nor an early "subscribed".
      s[0].subscribe(List.of("user:1"), java.util.Map.of(), null);
      assertThat(s[0].channels()).hasSize(1);
      assertThat(List.copyOf(out.frames)).noneMatch(f -> "subscribed".equals(f.getString("op")));
      s[0].unsubscribe(List.of("user:1"));
      decision.complete(SubscribePolicy.Decision.ALLOW);
      done.complete();
    });
    onLoop(done -> {
      assertThat(s[0].channels()).isEmpty();
      assertThat(List.copyOf(out.frames)).noneMatch(f -> "subscribed".equals(f.getString("op")));
      s[0].closed();
      done.complete();
    });
  }

  @Example
  void refusedChannelGetsForbiddenAndTheOthersProceed() {
    RecordingSubscriber out = new RecordingSubscriber();
    ClientSession[] s = new ClientSession[1];
    onLoop(done -> {
      s[0] = session(out, policy);
      s[0].subscribe(List.of("user:1", "forum:1"), java.util.Map.of(), "not-a-token");
      done.complete();
    });
    waitFor(out, f -> "subscribed".equals(f.getString("op")));
    List<JsonObject> frames = waitFor(out, f -> "error".equals(f.getString("op")));
    assertThat(frames).filteredOn(f -> "forbidden".equals(f.getString("code")))
        .extracting(f -> f.getString("channel")).containsExactly("user:1");
    assertThat(out.frames.toString()).doesNotContain("not-a-token");
    onLoop(done -> {
      s[0].closed();
      done.complete();
    });
  }

  @Provide
  Arbitrary<List<String>> frames() {
    return HostileInput.frame().list().ofMinSize(1).ofMaxSize(20);
  }
}
