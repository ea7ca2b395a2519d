package dev.herald.engine;

import static dev.herald.testing.Await.failure;
import static dev.herald.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.message.Channel;
import dev.herald.message.MessageId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The behaviour every {@link History} shares, run against each engine by a concrete subclass. */
@ExtendWith(VertxExtension.class)
public abstract class HistoryContract {

  protected static final Channel CHANNEL = new Channel("news", "a");
  protected static final Channel OTHER = new Channel("news", "b");

  protected Vertx vertx;

  @BeforeEach
  void keepVertx(Vertx vertx) {
    this.vertx = vertx;
  }

  /** A history keeping {@code size} messages per channel, with no TTL and a dedupe window of a minute. */
  protected abstract History history(int size) throws Throwable;

  private static Buffer body(String text) {
    return Buffer.buffer(text);
  }

  private static List<MessageId> commitAll(History h, Channel ch, int n) throws Throwable {
    List<MessageId> ids = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      ids.add(result(h.commit(ch, null, body("m" + i))).id());
    }
    return ids;
  }

  private static List<Long> offsets(Replay r) {
    return r.entries().stream().map(e -> e.id().offset()).toList();
  }

  @Test
  void commitsGetOffsetsOneTwoThreeInOneEpoch() throws Throwable {
    History h = history(100);

    List<MessageId> ids = commitAll(h, CHANNEL, 3);

    assertThat(ids).extracting(MessageId::offset).containsExactly(1L, 2L, 3L);
    assertThat(ids).extracting(MessageId::epoch).containsOnly(ids.get(0).epoch());
    assertThat(result(h.commit(OTHER, null, body("x"))).id().offset()).as("offsets are per channel").isEqualTo(1);
  }

  @Test
  void aRepeatedDedupeKeyAnswersTheSameIdAsDuplicateAndDoesNotAppend() throws Throwable {
    History h = history(100);

    Commit first = result(h.commit(CHANNEL, "post-7", body("one")));
    Commit again = result(h.commit(CHANNEL, "post-7", body("two")));

    assertThat(first.duplicate()).isFalse();
    assertThat(again.duplicate()).isTrue();
    assertThat(again.id()).isEqualTo(first.id());
    assertThat(result(h.size(CHANNEL))).isEqualTo(1);
    assertThat(result(h.commit(CHANNEL, "post-8", body("three"))).id().offset()).isEqualTo(2);
    assertThat(result(h.commit(OTHER, "post-7", body("x"))).duplicate()).as("keys are per channel").isFalse();
  }

  @Test
  void theSizeCapEvictsTheOldestAndAResumeFromBeforeItIsNotRecovered() throws Throwable {
    History h = history(3);
    List<MessageId> ids = commitAll(h, CHANNEL, 5);

    assertThat(result(h.size(CHANNEL))).isEqualTo(3);
    Replay fromEvicted = result(h.since(CHANNEL, ids.get(0), 10));
    assertThat(fromEvicted.recovered()).isFalse();
    assertThat(offsets(fromEvicted)).containsExactly(3L, 4L, 5L);
    Replay fromJustBeforeHeld = result(h.since(CHANNEL, ids.get(1), 10));
    assertThat(fromJustBeforeHeld.recovered()).isTrue();
    assertThat(offsets(fromJustBeforeHeld)).containsExactly(3L, 4L, 5L);
  }

  /**
   * After every commit the history is exactly the newest {@code size} messages, however the engine trims behind
   * them (Redis keeps a slack of older ones and cuts it in batches): the size, a full replay, where a resume is
   * still recovered, and a removal just below the window, which must find nothing.
   */
  @Test
  void theHistoryIsTheNewestSizeMessagesAfterEveryCommitAndRemoval() throws Throwable {
    int size = 16;
    History h = history(size);
    List<MessageId> ids = new ArrayList<>();
    for (int n = 1; n <= 3 * size; n++) {
      ids.add(result(h.commit(CHANNEL, null, body("m" + n))).id());
      long first = Math.max(1, n - size + 1);
      MessageId start = new MessageId(ids.get(0).epoch(), 0);

      assertThat(result(h.size(CHANNEL))).as("size after %d", n).isEqualTo(n - first + 1);
      assertThat(offsets(result(h.since(CHANNEL, start, 100)))).as("replay after %d", n)
          .containsExactlyElementsOf(LongStream.rangeClosed(first, n).boxed().toList());
      assertThat(result(h.since(CHANNEL, new MessageId(start.epoch(), first - 1), 100)).recovered())
          .as("resume from just before the oldest after %d", n).isTrue();
      if (first > 1) {
        assertThat(result(h.since(CHANNEL, new MessageId(start.epoch(), first - 2), 100)).recovered())
            .as("resume from an evicted one after %d", n).isFalse();
      }
    }
    int n = ids.size();
    assertThat(result(h.remove(CHANNEL, ids.get(n - size - 1)))).as("the newest evicted").isFalse();
    assertThat(result(h.remove(CHANNEL, ids.get(n - size)))).as("the oldest held").isTrue();
    result(h.commit(CHANNEL, null, body("after")));

    assertThat(result(h.size(CHANNEL))).isEqualTo(size);
    assertThat(offsets(result(h.since(CHANNEL, new MessageId(ids.get(0).epoch(), 0), 100))))
        .containsExactlyElementsOf(LongStream.rangeClosed(n - size + 2, n + 1).boxed().toList());
  }

  @Test
  void sinceTheLatestGivesNoEntriesAndIsRecovered() throws Throwable {
    History h = history(100);
    List<MessageId> ids = commitAll(h, CHANNEL, 3);

    Replay r = result(h.since(CHANNEL, ids.get(2), 10));

    assertThat(r.recovered()).isTrue();
    assertThat(r.entries()).isEmpty();
    assertThat(r.more()).isFalse();
    assertThat(r.position()).isEqualTo(ids.get(2));
  }

  @Test
  void sinceNullGivesOnlyThePosition() throws Throwable {
    History h = history(100);
    assertThat(result(h.since(CHANNEL, null, 10))).isEqualTo(new Replay(null, true, List.of(), false));
    List<MessageId> ids = commitAll(h, CHANNEL, 2);

    Replay r = result(h.since(CHANNEL, null, 10));

    assertThat(r.position()).isEqualTo(ids.get(1));
    assertThat(r.recovered()).isTrue();
    assertThat(r.entries()).isEmpty();
  }

  @Test
  void sinceOnAChannelWithoutHistoryIsNotRecovered() throws Throwable {
    History h = history(100);

    Replay r = result(h.since(CHANNEL, new MessageId("abc", 4), 10));

    assertThat(r).isEqualTo(new Replay(null, false, List.of(), false));
  }

  @Test
  void sinceAnUnknownEpochIsNotRecoveredAndGivesEverythingHeld() throws Throwable {
    History h = history(100);
    commitAll(h, CHANNEL, 3);

    Replay r = result(h.since(CHANNEL, new MessageId("otherepoch", 2), 10));

    assertThat(r.recovered()).isFalse();
    assertThat(offsets(r)).containsExactly(1L, 2L, 3L);
  }

  @Test
  void sinceAFutureOffsetIsNotRecoveredAndGivesNothing() throws Throwable {
    History h = history(100);
    List<MessageId> ids = commitAll(h, CHANNEL, 3);

    Replay r = result(h.since(CHANNEL, new MessageId(ids.get(0).epoch(), 99), 10));

    assertThat(r.recovered()).isFalse();
    assertThat(r.entries()).isEmpty();
    assertThat(r.position()).isEqualTo(ids.get(2));
  }

  @Test
  void pagesAreCutAtTheLimitWithMore() throws Throwable {
    History h = history(100);
    List<MessageId> ids = commitAll(h, CHANNEL, 5);
    MessageId start = new MessageId(ids.get(0).epoch(), 0);

    Replay p1 = result(h.since(CHANNEL, start, 2));
    Replay p2 = result(h.since(CHANNEL, p1.entries().get(1).id(), 2));
    Replay p3 = result(h.since(CHANNEL, p2.entries().get(1).id(), 2));

    assertThat(offsets(p1)).containsExactly(1L, 2L);
    assertThat(p1.more()).isTrue();
    assertThat(p1.recovered()).isTrue();
    assertThat(offsets(p2)).containsExactly(3L, 4L);
    assertThat(p2.more()).isTrue();
    assertThat(offsets(p3)).containsExactly(5L);
    assertThat(p3.more()).isFalse();
    assertThat(p3.entries().get(0).body()).isEqualTo(body("m5"));
  }

  @Test
  void removeDeletesOneMessage() throws Throwable {
    History h = history(100);
    List<MessageId> ids = commitAll(h, CHANNEL, 3);

    assertThat(result(h.remove(CHANNEL, ids.get(1)))).isTrue();
    assertThat(result(h.remove(CHANNEL, ids.get(1)))).as("already gone").isFalse();
    assertThat(result(h.remove(CHANNEL, new MessageId("otherepoch", 3)))).as("other epoch").isFalse();
    assertThat(result(h.remove(OTHER, ids.get(0)))).as("other channel").isFalse();

    assertThat(result(h.size(CHANNEL))).isEqualTo(2);
    assertThat(offsets(result(h.since(CHANNEL, new MessageId(ids.get(0).epoch(), 0), 10))))
        .containsExactly(1L, 3L);
  }

  /** The cap counts messages: a removed one frees its place, as if it had never been committed. */
  @Test
  void removedMessagesDoNotCountAgainstTheCap() throws Throwable {
    History h = history(3);
    List<MessageId> ids = commitAll(h, CHANNEL, 3);
    String epoch = ids.get(0).epoch();
    assertThat(result(h.remove(CHANNEL, ids.get(1)))).isTrue();

    result(h.commit(CHANNEL, null, body("m4")));
    assertThat(result(h.size(CHANNEL))).isEqualTo(3);
    assertThat(offsets(result(h.since(CHANNEL, new MessageId(epoch, 0), 10)))).containsExactly(1L, 3L, 4L);

    result(h.commit(CHANNEL, null, body("m5")));
    assertThat(result(h.size(CHANNEL))).isEqualTo(3);
    Replay r = result(h.since(CHANNEL, new MessageId(epoch, 2), 10));
    assertThat(r.recovered()).as("offset 3 is the oldest held").isTrue();
    assertThat(r.entries()).extracting(e -> e.body().toString()).containsExactly("m3", "m4", "m5");
  }

  /** Removing the oldest held messages moves the start of the history, gaps included. */
  @Test
  void removingTheOldestMovesWhereTheHistoryStarts() throws Throwable {
    History h = history(100);
    List<MessageId> ids = commitAll(h, CHANNEL, 4);
    String epoch = ids.get(0).epoch();
    assertThat(result(h.remove(CHANNEL, ids.get(1)))).isTrue();
    assertThat(result(h.remove(CHANNEL, ids.get(0)))).isTrue();

    assertThat(result(h.size(CHANNEL))).isEqualTo(2);
    assertThat(result(h.since(CHANNEL, new MessageId(epoch, 0), 10)).recovered()).isFalse();
    Replay r = result(h.since(CHANNEL, new MessageId(epoch, 2), 10));
    assertThat(r.recovered()).isTrue();
    assertThat(offsets(r)).containsExactly(3L, 4L);
    assertThat(result(h.remove(CHANNEL, ids.get(0)))).as("already gone").isFalse();
  }

  /**
   * Commits and removals in a random (seeded) order against a model of what the history holds: after each, the
   * size and a full replay (offsets and bodies) are the model's, and a removal finds the message exactly when the
   * model holds it. Runs of removals leave tombstones in the middle and at the start, which later commits cut with
   * the oldest messages.
   */
  @Test
  void randomCommitsAndRemovalsKeepTheNewestSizeMessages() throws Throwable {
    randomCommitsAndRemovals(8, 7);
  }

  /** As above with a size that is not a power of two and more than the memory engine's first arrays hold. */
  @Test
  void randomCommitsAndRemovalsKeepTheNewestMessagesOfALargerHistory() throws Throwable {
    randomCommitsAndRemovals(21, 11);
  }

  private void randomCommitsAndRemovals(int size, long seed) throws Throwable {
    History h = history(size);
    Random random = new Random(seed);
    List<MessageId> committed = new ArrayList<>();
    TreeSet<Long> held = new TreeSet<>();
    for (int step = 1; step <= 400; step++) {
      if (committed.isEmpty() || random.nextInt(3) > 0) {
        MessageId id = result(h.commit(CHANNEL, null, body("m" + (committed.size() + 1)))).id();
        committed.add(id);
        assertThat(id.offset()).as("step %d", step).isEqualTo(committed.size());
        held.add(id.offset());
        while (held.size() > size) {
          held.pollFirst();
        }
      } else {
        // Mostly among the newest few, so removals hit held messages, the slack and the evicted alike.
        int index = Math.max(0, committed.size() - 1 - random.nextInt(size + 4));
        MessageId id = committed.get(index);
        assertThat(result(h.remove(CHANNEL, id))).as("remove %s at step %d", id, step)
            .isEqualTo(held.remove(id.offset()));
      }
      assertThat(result(h.size(CHANNEL))).as("size at step %d", step).isEqualTo(held.size());
      Replay replay = result(h.since(CHANNEL, new MessageId(committed.get(0).epoch(), 0), 100));
      assertThat(offsets(replay)).as("replay at step %d", step).containsExactlyElementsOf(held);
      assertThat(replay.entries()).as("bodies at step %d", step)
          .allSatisfy(e -> assertThat(e.body().toString()).isEqualTo("m" + e.id().offset()));
    }
  }

  @Test
  void pagesSkipRemovedMessages() throws Throwable {
    History h = history(100);
    List<MessageId> ids = commitAll(h, CHANNEL, 6);
    result(h.remove(CHANNEL, ids.get(1)));
    result(h.remove(CHANNEL, ids.get(2)));

    Replay p1 = result(h.since(CHANNEL, new MessageId(ids.get(0).epoch(), 0), 2));
    Replay p2 = result(h.since(CHANNEL, p1.entries().get(1).id(), 2));

    assertThat(offsets(p1)).containsExactly(1L, 4L);
    assertThat(p1.more()).isTrue();
    assertThat(offsets(p2)).containsExactly(5L, 6L);
    assertThat(p2.more()).isFalse();
  }

  @Test
  void aHistoryWhoseMessagesWereAllRemovedGoesOn() throws Throwable {
    History h = history(100);
    List<MessageId> ids = commitAll(h, CHANNEL, 2);
    result(h.remove(CHANNEL, ids.get(1)));
    result(h.remove(CHANNEL, ids.get(0)));
    assertThat(result(h.size(CHANNEL))).isZero();

    MessageId next = result(h.commit(CHANNEL, null, body("m3"))).id();

    assertThat(next).isEqualTo(new MessageId(ids.get(0).epoch(), 3));
    assertThat(result(h.size(CHANNEL))).isEqualTo(1);
    Replay r = result(h.since(CHANNEL, ids.get(1), 10));
    assertThat(r.recovered()).isTrue();
    assertThat(r.entries()).extracting(e -> e.body().toString()).containsExactly("m3");
  }

  @Test
  void anEmptyBodyIsRefusedAndCommitsNothing() throws Throwable {
    History h = history(100);

    Throwable refused = failure(h.commitAll(List.of(CHANNEL, OTHER), null, Buffer.buffer()));

    assertThat(refused).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("body must not be empty");
    assertThat(result(h.size(CHANNEL))).isZero();
    assertThat(result(h.commit(CHANNEL, null, body("m1"))).id().offset()).isEqualTo(1);
  }

  @Test
  void bodiesWithArbitraryBytesRoundTrip() throws Throwable {
    History h = history(100);
    byte[] bytes = new byte[512];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 7); // every byte value, NULs and invalid UTF-8 included
    }
    MessageId id = result(h.commit(CHANNEL, null, Buffer.buffer(bytes))).id();

    Replay r = result(h.since(CHANNEL, new MessageId(id.epoch(), 0), 10));

    assertThat(r.entries().get(0).body().getBytes()).isEqualTo(bytes);
  }

  @Test
  void concurrentCommitsGetDistinctGaplessOffsets() throws Throwable {
    History h = history(1000);
    int callers = 4;
    int perCaller = 50;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<CompletableFuture<List<Future<Commit>>>> started = new ArrayList<>();
      for (int c = 0; c < callers; c++) {
        int caller = c;
        started.add(CompletableFuture.supplyAsync(() -> {
          List<Future<Commit>> commits = new ArrayList<>();
          for (int i = 0; i < perCaller; i++) {
            commits.add(h.commit(CHANNEL, null, body(caller + "/" + i)));
          }
          return commits;
        }, pool));
      }
      List<Long> offsets = new ArrayList<>();
      for (CompletableFuture<List<Future<Commit>>> s : started) {
        for (Future<Commit> f : s.get()) {
          offsets.add(result(f).id().offset());
        }
      }
      assertThat(offsets).containsExactlyInAnyOrderElementsOf(
          LongStream.rangeClosed(1, (long) callers * perCaller).boxed().toList());
      assertThat(result(h.size(CHANNEL))).isEqualTo((long) callers * perCaller);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void commitAllCommitsToEachChannelWithItsOwnOffsetsAndDedupe() throws Throwable {
    History h = history(100);
    result(h.commit(OTHER, null, body("earlier")));

    List<Commit> first = result(h.commitAll(List.of(CHANNEL, OTHER), "post-1", body("p1")));
    List<Commit> again = result(h.commitAll(List.of(CHANNEL, OTHER), "post-1", body("p1")));
    List<Commit> plain = result(h.commitAll(List.of(OTHER, CHANNEL), null, body("p2")));

    assertThat(first).extracting(c -> c.id().offset()).containsExactly(1L, 2L);
    assertThat(first).extracting(Commit::duplicate).containsExactly(false, false);
    assertThat(again).extracting(Commit::id).containsExactlyElementsOf(first.stream().map(Commit::id).toList());
    assertThat(again).extracting(Commit::duplicate).containsExactly(true, true);
    assertThat(plain).extracting(c -> c.id().offset()).as("results follow the channels' order").containsExactly(3L, 2L);
    Replay other = result(h.since(OTHER, new MessageId(first.get(1).id().epoch(), 0), 10));
    assertThat(other.entries()).extracting(e -> e.body().toString()).containsExactly("earlier", "p1", "p2");
  }

  /** The publisher relies on it: it sends each commit without waiting for the one before. */
  @Test
  void commitAllCallsMadeWithoutWaitingAreAppliedInTheirOrder() throws Throwable {
    History h = history(1000);
    int n = 300;
    CompletableFuture<List<Future<List<Commit>>>> sent = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      List<Future<List<Commit>>> commits = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        commits.add(h.commitAll(List.of(CHANNEL, OTHER), null, body("m" + i)));
      }
      sent.complete(commits);
    });
    List<Long> offsets = new ArrayList<>();
    for (Future<List<Commit>> f : sent.get()) {
      offsets.add(result(f).get(0).id().offset());
    }

    assertThat(offsets).containsExactlyElementsOf(LongStream.rangeClosed(1, n).boxed().toList());
    MessageId start = new MessageId(result(h.commit(CHANNEL, null, body("last"))).id().epoch(), 0);
    List<String> bodies = result(h.since(CHANNEL, start, n + 1)).entries().stream()
        .map(e -> e.body().toString()).toList();
    assertThat(bodies.subList(0, n)).containsExactlyElementsOf(
        LongStream.rangeClosed(1, n).mapToObj(i -> "m" + i).toList());
  }
}
