package dev.herald.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.JwtConfig;
import dev.herald.config.LimitsConfig;
import dev.herald.config.NamespacesConfig;
import dev.herald.config.TransportConfig;
import dev.herald.engine.memory.MemoryHistory;
import dev.herald.security.TokenPolicy;
import dev.herald.testing.Await;
import dev.herald.testing.HostileInput;
import dev.herald.testing.RecordingSubscriber;
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
class ClientSessionTest {

  private static final Set<String> OPS = Set.of("hello", "subscribed", "unsubscribed", "pong", "error", "disconnect",
      "message");
  private static final Set<String> CODES = Arrays.stream(ErrorCode.values()).map(ErrorCode::wire)
      .collect(Collectors.toSet());

  private static Vertx vertx;
  private static Context context;
  private static Hub hub;
  private static MemoryHistory history;
  private static SubscribePolicy policy;

  @BeforeContainer
  static void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    TransportConfig transport = new TransportConfig(25_000, 60_000, 30_000, 1 << 20, 30_000, 500);
    Promise<Hub> made = Promise.promise();
    context.runOnContext(v -> made.complete(new Hub(vertx, context, new ChannelRouter(vertx.eventBus()), transport,
        System::currentTimeMillis)));
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
            30_000, 500), "c", null);
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
            List<JsonObject> answer = out.json().subList(before, out.frames.size());
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
    for (JsonObject f : out.json()) {
      assertThat(f.getString("op")).isIn(OPS);
      if ("error".equals(f.getString("op"))) {
        assertThat(f.getString("code")).isIn(CODES);
        assertThat(f.getString("reason")).isNotBlank();
      }
    }
  }

  @Provide
  Arbitrary<List<String>> frames() {
    return HostileInput.frame().list().ofMinSize(1).ofMaxSize(20);
  }
}
