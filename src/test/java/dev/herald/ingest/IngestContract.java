package dev.herald.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.cluster.Addresses;
import dev.herald.cluster.Codecs;
import dev.herald.config.IngestConfig;
import dev.herald.engine.DeadLetter;
import dev.herald.engine.Queue;
import dev.herald.engine.QueueEntry;
import dev.herald.format.FormatFailure;
import dev.herald.message.IngestItem;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Job semantics of the ingest stage on a real queue: acknowledge only after the formatter answered, dead-letter
 * malformed entries at once, retry transient failures and then dead-letter, take over stale entries. The formatter
 * is replaced by a test consumer on the real event-bus address, so failures can be chosen.
 */
abstract class IngestContract {

  protected Vertx vertx;
  private MessageConsumer<IngestItem> formatter;
  private String deployment;

  /** A queue consuming as {@code consumer}; all queues of one test share their entries. */
  protected abstract Queue queue(String consumer) throws Throwable;

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
    Codecs.register(vertx.eventBus());
  }

  @AfterEach
  void close() {
    if (deployment != null) {
      Await.of(vertx.undeploy(deployment));
    }
    Await.of(vertx.close());
  }

  static IngestConfig config(int maxAttempts, long claimIdleMs) {
    return new IngestConfig("ingest", "dead", "herald", 10, 200, claimIdleMs, maxAttempts, 5, 20, 0);
  }

  static Map<String, String> publish(int n) {
    return Map.of("publish", new JsonObject().put("channel", "thread:1").put("data", n).encode());
  }

  private void formatter(Consumer<Message<IngestItem>> behaviour) {
    formatter = vertx.eventBus().localConsumer(Addresses.FORMAT, behaviour::accept);
    Await.of(formatter.completion());
  }

  private void startIngest(Queue queue, IngestConfig config) {
    deployment = Await.of(vertx.deployVerticle(new IngestVerticle(queue, config, 65_536, HeraldMetrics.standalone())));
  }

  static void eventually(BooleanSupplier condition) {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 15 s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void entryIsAcknowledgedOnlyAfterTheFormatterAnswered() throws Throwable {
    Queue queue = queue("n1");
    List<Message<IngestItem>> held = new CopyOnWriteArrayList<>();
    formatter(held::add);
    startIngest(queue, config(3, 60_000));
    Await.of(queue.add(publish(1)));
    eventually(() -> held.size() == 1);
    assertThat(Await.of(queue.pendingCount())).isEqualTo(1);
    held.get(0).reply(1);
    eventually(() -> Await.of(queue.pendingCount()) == 0);
  }

  @Test
  void malformedEntryIsDeadLetteredAtOnceWithItsReason() throws Throwable {
    Queue queue = queue("n1");
    AtomicInteger formatted = new AtomicInteger();
    formatter(m -> {
      formatted.incrementAndGet();
      m.reply(1);
    });
    startIngest(queue, config(3, 60_000));
    Await.of(queue.add(Map.of("post", "{not json")));
    Await.of(queue.add(Map.of("other", "x")));
    Await.of(queue.add(publish(2)));
    eventually(() -> Await.of(queue.deadLetters(10)).size() == 2 && formatted.get() == 1);
    // The two are dead-lettered concurrently, so their order in the dead letters is not fixed.
    List<DeadLetter> dead = Await.of(queue.deadLetters(10));
    DeadLetter notJson = dead.stream().filter(d -> d.fields().containsKey("post")).findFirst().orElseThrow();
    assertThat(notJson.reason()).contains("post is not valid JSON");
    assertThat(notJson.fields()).containsEntry("post", "{not json");
    assertThat(notJson.attempts()).isEqualTo(1);
    assertThat(dead).anySatisfy(d -> assertThat(d.reason()).contains("neither a post nor a publish"));
    eventually(() -> Await.of(queue.pendingCount()) == 0);
  }

  @Test
  void transientFailureIsRetriedThenAcknowledged() throws Throwable {
    Queue queue = queue("n1");
    AtomicInteger calls = new AtomicInteger();
    formatter(m -> {
      if (calls.incrementAndGet() < 3) {
        m.fail(FormatFailure.TRANSIENT, "history down");
      } else {
        m.reply(1);
      }
    });
    startIngest(queue, config(5, 60_000));
    Await.of(queue.add(publish(3)));
    eventually(() -> calls.get() == 3 && Await.of(queue.pendingCount()) == 0);
    assertThat(Await.of(queue.deadLetters(10))).isEmpty();
  }

  @Test
  void entryFailingEveryAttemptIsDeadLetteredAfterMaxAttempts() throws Throwable {
    Queue queue = queue("n1");
    AtomicInteger calls = new AtomicInteger();
    formatter(m -> {
      calls.incrementAndGet();
      m.fail(FormatFailure.TRANSIENT, "history down");
    });
    startIngest(queue, config(3, 60_000));
    Await.of(queue.add(publish(4)));
    eventually(() -> Await.of(queue.deadLetters(10)).size() == 1);
    DeadLetter dead = Await.of(queue.deadLetters(10)).get(0);
    assertThat(calls.get()).isEqualTo(3);
    assertThat(dead.attempts()).isEqualTo(3);
    assertThat(dead.reason()).contains("failed 3 times");
    assertThat(Await.of(queue.pendingCount())).isZero();
  }

  @Test
  void entriesOfADeadConsumerAreTakenOver() throws Throwable {
    Queue dead = queue("gone");
    Queue alive = queue("n1");
    Await.of(dead.add(publish(5)));
    List<QueueEntry> claimed = Await.of(dead.next(10, 100));
    assertThat(claimed).hasSize(1);
    AtomicInteger formatted = new AtomicInteger();
    formatter(m -> {
      formatted.incrementAndGet();
      m.reply(1);
    });
    startIngest(alive, config(3, 300));
    eventually(() -> formatted.get() == 1 && Await.of(alive.pendingCount()) == 0);
  }
}
