package dev.herald.engine.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.engine.Commit;
import dev.herald.message.Channel;
import dev.herald.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How one loop's commits are cut into groups, without Redis: the groups a recording sender was handed, answered by
 * the test. Everything runs on one event loop's context, one turn per {@link Await#on} call.
 */
class CommitGroupTest {

  private static final Channel CHANNEL = new Channel("news", "a");

  private Vertx vertx;
  private ContextInternal context;
  private final List<List<CommitGroup.Pending>> sent = new ArrayList<>();
  private final List<Promise<Void>> answers = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    context = (ContextInternal) vertx.getOrCreateContext();
  }

  @AfterEach
  void tearDown() {
    Await.of(vertx.close());
  }

  private Future<Void> record(List<CommitGroup.Pending> group) {
    sent.add(group);
    Promise<Void> answer = Promise.promise();
    answers.add(answer);
    return answer.future();
  }

  private static CommitGroup.Pending pending(String body) {
    return new CommitGroup.Pending(List.of(CHANNEL), null, Buffer.buffer(body), Promise.<List<Commit>>promise());
  }

  /** Adds the bodies to the group in one turn of its loop. */
  private List<CommitGroup.Pending> addInOneTurn(CommitGroup group, List<String> bodies) {
    return Await.on(context, () -> {
      List<CommitGroup.Pending> added = new ArrayList<>();
      for (String body : bodies) {
        CommitGroup.Pending p = pending(body);
        added.add(p);
        group.add(p);
      }
      return added;
    });
  }

  /** The sizes of the groups sent so far, read on the loop after the tasks queued before. */
  private List<Integer> sentSizes() {
    return Await.on(context, () -> sent.stream().map(List::size).toList());
  }

  private static List<String> bodies(int from, int to) {
    List<String> bodies = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      bodies.add("m" + i);
    }
    return bodies;
  }

  @Test
  void commitsOfOneTurnLeaveInGroupsOfAtMost64TwoUnansweredAtATime() {
    CommitGroup group = new CommitGroup(context, this::record);
    addInOneTurn(group, bodies(1, 150));

    assertThat(sentSizes()).containsExactly(64, 64);
    Await.on(context, () -> answers.get(0).tryComplete());
    assertThat(sentSizes()).containsExactly(64, 64, 22);
    List<String> order = Await.on(context, () -> sent.stream().flatMap(List::stream)
        .map(p -> p.body().toString()).toList());
    assertThat(order).containsExactlyElementsOf(bodies(1, 150));
  }

  @Test
  void aGroupHoldsAtMost256KBOfBodiesAndALargerBodyGoesAlone() {
    CommitGroup group = new CommitGroup(context, this::record);
    String hundredKb = "x".repeat(100 * 1024);
    addInOneTurn(group, List.of(hundredKb, hundredKb, hundredKb, "x".repeat(300 * 1024)));

    assertThat(sentSizes()).containsExactly(2, 1);
    Await.on(context, () -> answers.get(0).tryComplete());
    assertThat(sentSizes()).containsExactly(2, 1, 1);
  }

  /**
   * A group whose sending throws fails its own commits and keeps no place among those in flight: the two groups of
   * the next two turns both go although neither is answered.
   */
  @Test
  void aGroupThatCannotBeSentFailsAloneAndLaterGroupsStillGo() {
    RuntimeException refused = new IllegalStateException("refused");
    AtomicBoolean refusedOnce = new AtomicBoolean();
    Function<List<CommitGroup.Pending>, Future<Void>> send = g -> {
      if (refusedOnce.compareAndSet(false, true)) {
        throw refused;
      }
      return record(g);
    };
    CommitGroup group = new CommitGroup(context, send);
    List<CommitGroup.Pending> first = addInOneTurn(group, bodies(1, 2));
    assertThat(sentSizes()).isEmpty();
    assertThat(first).allSatisfy(p -> assertThat(p.promise().future().cause()).isSameAs(refused));

    addInOneTurn(group, bodies(3, 3));
    assertThat(sentSizes()).containsExactly(1);
    addInOneTurn(group, bodies(4, 4));
    assertThat(sentSizes()).containsExactly(1, 1);
  }
}
