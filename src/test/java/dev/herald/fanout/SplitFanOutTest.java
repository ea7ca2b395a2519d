package dev.herald.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.LimitsConfig;
import dev.herald.config.NodeConfig;
import dev.herald.config.TransportConfig;
import dev.herald.engine.memory.MemoryHistory;
import dev.herald.message.Channel;
import dev.herald.message.ChannelMessage;
import dev.herald.message.MessageFrame;
import dev.herald.message.MessageId;
import dev.herald.metrics.Meters;
import dev.herald.testing.Await;
import dev.herald.testing.Eventually;
import dev.herald.testing.TestHubs;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A channel with more local subscribers than {@code transport.flushChunk} is written a chunk per event-loop turn.
 * Messages, members who join and members who leave while such a pass is under way: each subscriber gets the
 * channel's messages in order, once, live (no history read fills a gap), and nothing after it left.
 */
class SplitFanOutTest {

  private static final Channel CH = Channel.parse("thread:1");
  private static final int CHUNK = 2;

  private Vertx vertx;
  private Context context;
  private MemoryHistory history;
  private Hub hub;
  /** Every live offer to any subscriber, in order: "subscriber:data". */
  private final List<String> offers = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void setUp() {
    // No codecs: the tests hand messages to the hub themselves, nothing crosses the event bus.
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    history = new MemoryHistory(50, 0, 60_000, System::currentTimeMillis);
    hub = chunkedHub(CHUNK);
  }

  private Hub chunkedHub(int chunk) {
    TransportConfig t = TestHubs.TRANSPORT;
    TransportConfig chunked = new TransportConfig(t.heartbeatMs(), t.idleTimeoutMs(), t.pollTimeoutMs(),
        t.maxBufferedBytes(), t.stallTimeoutMs(), t.replayBatch(), chunk);
    return TestHubs.on(vertx, context, ChannelRouter.forNode(vertx, NodeConfig.DEFAULT_CHANNEL_LINGER_MS), chunked);
  }

  @AfterEach
  void tearDown() {
    Await.of(vertx.close());
  }

  @Test
  void messagesThatArriveDuringAPassReachEverySubscriberOnceAndInOrder() {
    List<Logged> subscribers = subscribed(7);

    on(() -> {
      hub.receive(commit(1));
      hub.receive(commit(2));
      hub.receive(commit(3));
      return null;
    });

    Eventually.within(10, () -> assertThat(subscribers).allSatisfy(s -> assertThat(s.data()).hasSize(3)));
    assertThat(subscribers).allSatisfy(s -> assertThat(s.data()).containsExactly(1, 2, 3));
    // The first subscriber had message 2 before the last had message 1: the pass was spread over turns.
    assertThat(offers.indexOf("0:2")).isLessThan(offers.indexOf("6:1"));
    assertThat(historyReads()).isZero();
  }

  @Test
  void aSubscriberWhoJoinsDuringAPassGetsWhatIsPublishedAfterIt() {
    List<Logged> before = subscribed(5);
    Logged late = new Logged(5);
    ClientSession lateSession = session(late);

    on(() -> {
      hub.receive(commit(1));
      // Joins while the pass of message 1 is under way (the open policy, a routed channel and the memory history
      // answer at once), after the pass's first chunk.
      lateSession.subscribe(List.of(CH.toString()), Map.of(), null);
      hub.receive(commit(2));
      return null;
    });

    Eventually.within(10, () -> {
      assertThat(before).allSatisfy(s -> assertThat(s.data()).hasSize(2));
      assertThat(late.data()).hasSize(1);
    });
    assertThat(before).allSatisfy(s -> assertThat(s.data()).containsExactly(1, 2));
    assertThat(late.data()).containsExactly(2);
    assertThat(historyReads()).isZero();
  }

  @Test
  void aSubscriberWhoLeavesDuringAPassGetsNothingMore() {
    List<Logged> subscribers = subscribed(5);
    Logged leaver = subscribers.get(3);
    List<Logged> staying = List.of(subscribers.get(0), subscribers.get(1), subscribers.get(2), subscribers.get(4));

    on(() -> {
      hub.receive(commit(1));
      // The pass has written to the first chunk only; the fourth subscriber leaves before it is reached.
      leaver.session.unsubscribe(List.of(CH.toString()));
      hub.receive(commit(2));
      return null;
    });

    // The last subscriber has both messages, so the pass is past the one who left.
    Eventually.within(10, () -> assertThat(staying).allSatisfy(s -> assertThat(s.data()).hasSize(2)));
    assertThat(staying).allSatisfy(s -> assertThat(s.data()).containsExactly(1, 2));
    assertThat(leaver.data()).isEmpty();
    assertThat(leaver.frames.ofOp("unsubscribed")).hasSize(1);
  }

  @Test
  void aWriteThatThrowsDoesNotStopThePass() {
    List<Logged> subscribers = subscribed(5);
    subscribers.get(1).throwOnce = true;

    on(() -> {
      hub.receive(commit(1));
      return null;
    });
    on(() -> {
      hub.receive(commit(2));
      return null;
    });

    // The rest of the pass, and the next message, still reached everyone after the throw; the subscriber whose
    // write threw fills its gap from the history.
    Eventually.within(10, () -> assertThat(subscribers).allSatisfy(s -> assertThat(s.data()).hasSize(2)));
    assertThat(subscribers).allSatisfy(s -> assertThat(s.data()).containsExactly(1, 2));
  }

  @Test
  void aPassBeginsWithAnEighthOfAChunk() {
    hub = chunkedHub(16);
    List<Logged> subscribers = subscribed(20);

    int firstTurn = on(() -> {
      hub.receive(commit(1));
      return offers.size();
    });

    // The turn that took the message wrote to two subscribers; the rest followed in later turns.
    assertThat(firstTurn).isEqualTo(2);
    Eventually.within(10, () -> assertThat(subscribers).allSatisfy(s -> assertThat(s.data()).containsExactly(1)));
    assertThat(offers).startsWith("0:1", "1:1", "2:1").hasSize(20);
  }

  /** {@code n} sessions subscribed to {@link #CH} from now on, in this order (the pass's order). */
  private List<Logged> subscribed(int n) {
    List<Logged> all = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      Logged out = new Logged(k);
      out.session = session(out);
      on(() -> {
        out.session.subscribe(List.of(CH.toString()), Map.of(), null);
        return null;
      });
      Eventually.within(10, () -> assertThat(out.frames.ofOp("subscribed")).hasSize(1));
      all.add(out);
    }
    return all;
  }

  private ClientSession session(Logged out) {
    return on(() -> new ClientSession(hub, out, history, SubscribePolicy.OPEN,
        new LimitsConfig(65_536, 100, 1_000_000, 10, 0, 20_000), TestHubs.TRANSPORT, "c" + out.index, null));
  }

  /** Message {@code n} committed to the history, as the publisher hands it to the hubs. */
  private ChannelMessage commit(int n) {
    Buffer body = Buffer.buffer("\"type\":\"t\",\"data\":" + n);
    MessageId id = history.commit(CH, null, body).result().id();
    return new ChannelMessage(CH, id, MessageFrame.encode(CH, id, body), System.currentTimeMillis());
  }

  private double historyReads() {
    return hub.metrics().registry().get(Meters.HISTORY_READS).counter().count();
  }

  private <T> T on(Callable<T> action) {
    return Await.on(context, action);
  }


  /** A recording subscriber that also notes each live offer it took in the log all subscribers share. */
  private final class Logged implements Subscriber, ClientSession.Heartbeats {
    final RecordingSubscriber frames = new RecordingSubscriber();
    final int index;
    ClientSession session;
    /** Throws from the next offer, as a broken connection's write might. */
    volatile boolean throwOnce;

    Logged(int index) {
      this.index = index;
    }

    List<Integer> data() {
      return frames.data();
    }

    @Override
    public Offer offer(ChannelMessage message) {
      if (throwOnce) {
        throwOnce = false;
        throw new IllegalStateException("a write that throws, on purpose");
      }
      Offer o = frames.offer(message);
      if (o == Offer.WRITTEN) {
        offers.add(index + ":" + new JsonObject(message.frame()).getInteger("data"));
      }
      return o;
    }

    @Override
    public void heartbeat() {
      frames.heartbeat();
    }

    @Override
    public void send(Buffer frame) {
      frames.send(frame);
    }

    @Override
    public void whenDrained(Runnable action) {
      frames.whenDrained(action);
    }

    @Override
    public long bufferedBytes() {
      return 0;
    }

    @Override
    public void close(CloseReason reason) {
      frames.close(reason);
    }
  }
}
