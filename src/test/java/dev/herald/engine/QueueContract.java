package dev.herald.engine;

import static dev.herald.testing.Await.failure;
import static dev.herald.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The behaviour every {@link Queue} shares. A concrete test gives queues that see the same entries: one per
 * consumer name (for the memory queue, the one queue under every name).
 */
@ExtendWith(VertxExtension.class)
public abstract class QueueContract {

  protected Vertx vertx;

  @BeforeEach
  void keepVertx(Vertx vertx) {
    this.vertx = vertx;
  }

  /** A queue consuming as {@code consumer}, on the state every queue of this test shares. */
  protected abstract Queue queue(String consumer) throws Throwable;

  @Test
  void entriesComeOutInTheOrderTheyWereAdded() throws Throwable {
    Queue q = queue("a");
    long before = System.currentTimeMillis();
    String id1 = result(q.add(Map.of("n", "1")));
    String id2 = result(q.add(Map.of("n", "2", "x", "y")));
    String id3 = result(q.add(Map.of("n", "3")));

    List<QueueEntry> got = result(q.next(10, 100));

    assertThat(got).extracting(QueueEntry::id).containsExactly(id1, id2, id3);
    assertThat(got.get(1).fields()).isEqualTo(Map.of("n", "2", "x", "y"));
    // Server and test share a clock here; a second of slack covers Redis's own clock granularity.
    assertThat(got.get(0).acceptedAtMillis()).isBetween(before - 1000, System.currentTimeMillis() + 1000);
  }

  @Test
  void nextClaimsAtMostMax() throws Throwable {
    Queue q = queue("a");
    for (int i = 0; i < 3; i++) {
      result(q.add(Map.of("n", Integer.toString(i))));
    }

    assertThat(result(q.next(2, 100))).hasSize(2);
    assertThat(result(q.next(2, 100))).extracting(e -> e.fields().get("n")).containsExactly("2");
  }

  @Test
  void blockingNextAnswersEmptyAfterTheWait() throws Throwable {
    Queue q = queue("a");
    long start = System.nanoTime();

    List<QueueEntry> got = result(q.next(10, 300));

    assertThat(got).isEmpty();
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(250);
  }

  @Test
  void blockingNextReturnsEarlyWhenAnEntryArrives() throws Throwable {
    Queue q = queue("a");
    Queue producer = queue("producer");
    long start = System.nanoTime();

    Future<List<QueueEntry>> waiting = q.next(10, 8000);
    result(vertx.timer(200).compose(t -> producer.add(Map.of("n", "late"))));
    List<QueueEntry> got = result(waiting);

    assertThat(got).extracting(e -> e.fields().get("n")).containsExactly("late");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5000);
  }

  @Test
  void anEntryClaimedByOneConsumerIsNotGivenToAnother() throws Throwable {
    Queue a = queue("a");
    Queue b = queue("b");
    result(a.add(Map.of("n", "1")));

    assertThat(result(a.next(10, 100))).hasSize(1);
    assertThat(result(b.next(10, 100))).isEmpty();
  }

  @Test
  void lagCountsEntriesNotYetClaimed() throws Throwable {
    Queue q = queue("a");
    assertThat(result(q.lag())).isZero();
    for (int i = 0; i < 3; i++) {
      result(q.add(Map.of("n", Integer.toString(i))));
    }
    assertThat(result(q.lag())).isEqualTo(3);
    result(q.next(2, 100));
    assertThat(result(q.lag())).isEqualTo(1);
    result(q.next(10, 100));
    assertThat(result(q.lag())).isZero();
  }

  @Test
  void ackRemovesFromPending() throws Throwable {
    Queue q = queue("a");
    result(q.add(Map.of("n", "1")));
    result(q.add(Map.of("n", "2")));
    assertThat(result(q.pendingCount())).isZero();

    List<QueueEntry> got = result(q.next(10, 100));
    assertThat(result(q.pendingCount())).isEqualTo(2);
    result(q.ack(got.get(0).id()));
    assertThat(result(q.pendingCount())).isEqualTo(1);
    result(q.ack(got.get(1).id()));
    assertThat(result(q.pendingCount())).isZero();
  }

  @Test
  void claimStaleTakesOverEntriesIdlePastTheTime() throws Throwable {
    Queue dead = queue("dead");
    Queue live = queue("live");
    result(dead.add(Map.of("n", "1")));
    QueueEntry claimed = result(dead.next(10, 100)).get(0);

    assertThat(result(live.claimStale(60_000, 10))).as("not idle long enough yet").isEmpty();
    result(vertx.timer(300));
    List<QueueEntry> taken = result(live.claimStale(200, 10));

    assertThat(taken).hasSize(1);
    assertThat(taken.get(0).id()).isEqualTo(claimed.id());
    assertThat(taken.get(0).fields()).isEqualTo(Map.of("n", "1"));
    assertThat(result(live.pendingCount())).isEqualTo(1);
    assertThat(result(live.claimStale(200, 10))).as("just taken over, so not idle").isEmpty();
    result(live.ack(claimed.id()));
    assertThat(result(live.pendingCount())).isZero();
  }

  @Test
  void deadLetterMovesTheEntryWithReasonAndFieldsAndAcksIt() throws Throwable {
    Queue q = queue("a");
    // A producer field named like the dead-letter metadata must survive untouched.
    Map<String, String> fields = Map.of("type", "post", "reason", "producer's own", "data", "{\"x\":1}");
    result(q.add(fields));
    QueueEntry entry = result(q.next(10, 100)).get(0);

    result(q.deadLetter(entry, "bad json", 3));

    assertThat(result(q.pendingCount())).isZero();
    List<DeadLetter> dead = result(q.deadLetters(10));
    assertThat(dead).hasSize(1);
    DeadLetter letter = dead.get(0);
    assertThat(letter.entryId()).isEqualTo(entry.id());
    assertThat(letter.reason()).isEqualTo("bad json");
    assertThat(letter.attempts()).isEqualTo(3);
    assertThat(letter.fields()).isEqualTo(fields);
    assertThat(result(q.next(10, 100))).as("a dead letter is not delivered again").isEmpty();
  }

  @Test
  void deadLettersAreListedOldestFirstUpToMax() throws Throwable {
    Queue q = queue("a");
    for (int i = 0; i < 3; i++) {
      result(q.add(Map.of("n", Integer.toString(i))));
    }
    for (QueueEntry e : result(q.next(10, 100))) {
      result(q.deadLetter(e, "r" + e.fields().get("n"), 1));
    }

    assertThat(result(q.deadLetters(2))).extracting(DeadLetter::reason).containsExactly("r0", "r1");
  }

  @Test
  void replayReAddsTheFieldsAndRemovesTheDeadLetter() throws Throwable {
    Queue q = queue("a");
    result(q.add(Map.of("n", "1", "k", "v")));
    QueueEntry entry = result(q.next(10, 100)).get(0);
    result(q.deadLetter(entry, "bad", 5));
    DeadLetter letter = result(q.deadLetters(10)).get(0);

    String newId = result(q.replay(letter.id()));

    assertThat(result(q.deadLetters(10))).isEmpty();
    List<QueueEntry> again = result(q.next(10, 100));
    assertThat(again).extracting(QueueEntry::id).containsExactly(newId);
    assertThat(again.get(0).fields()).isEqualTo(Map.of("n", "1", "k", "v"));
    assertThat(newId).isNotEqualTo(entry.id());
  }

  @Test
  void replayOfAnUnknownDeadLetterFails() throws Throwable {
    Queue q = queue("a");

    assertThat(failure(q.replay("12345-0"))).isInstanceOf(IllegalArgumentException.class);
    assertThat(failure(q.replay("not an id"))).isInstanceOf(IllegalArgumentException.class);
  }
}
