package dev.herald.engine.redis;

import static dev.herald.testing.Await.failure;
import static dev.herald.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.HistoryConfig;
import dev.herald.config.PublishConfig;
import dev.herald.config.RedisConfig;
import dev.herald.engine.QueueEntry;
import dev.herald.engine.Commit;
import dev.herald.engine.Replay;
import dev.herald.message.Channel;
import dev.herald.message.MessageId;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What only the Redis engine has: consumer take-over and clean-up, trimming, lost history, reconnecting. */
@ExtendWith(VertxExtension.class)
class RedisEngineIT {

  private Vertx vertx;
  private RedisOptions options;
  private Redis pool;
  private RedisConfig config;
  private final List<RedisStreamQueue> queues = new ArrayList<>();

  private void connect(Vertx vertx, String url, ProtocolVersion protocol) {
    this.vertx = vertx;
    options = TestRedis.options(url, protocol);
    pool = Redis.createClient(vertx, options);
    config = new RedisConfig(url, TestRedis.newPrefix(), 4);
  }

  private RedisStreamQueue queue(String consumer) throws Throwable {
    RedisStreamQueue q = result(RedisStreamQueue.create(vertx, pool, options, config,
        RedisStreamQueueIT.ingest(), consumer));
    queues.add(q);
    return q;
  }

  private String stream() {
    return config.keyPrefix() + RedisStreamQueueIT.ingest().stream();
  }

  @AfterEach
  void cleanUp() throws Throwable {
    for (RedisStreamQueue q : queues) {
      result(q.close());
    }
    if (pool != null) {
      if (config.url().equals(System.getenv("REDIS_URL"))) {
        result(TestRedis.deleteKeys(pool, config.keyPrefix()));
      }
      result(pool.close());
    }
  }

  @ParameterizedTest
  @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
  void aDeadConsumersEntriesAreTakenOverAndTheEmptiedConsumerIsRemoved(ProtocolVersion protocol, Vertx vertx)
      throws Throwable {
    connect(vertx, TestRedis.url(), protocol);
    RedisStreamQueue dead = queue("dead");
    RedisStreamQueue busy = queue("busy");
    RedisStreamQueue live = queue("live");
    for (int i = 0; i < 3; i++) {
      result(dead.add(Map.of("n", Integer.toString(i))));
    }
    List<String> lost = result(dead.next(10, 100)).stream().map(QueueEntry::id).toList();
    result(dead.close()); // claimed, never acknowledged: the node died
    result(vertx.timer(300));
    result(busy.add(Map.of("n", "fresh")));
    assertThat(result(busy.next(10, 100))).hasSize(1);

    List<QueueEntry> taken = result(live.claimStale(200, 10));

    assertThat(taken).extracting(QueueEntry::id).containsExactlyElementsOf(lost);
    assertThat(consumers()).as("busy still holds a fresh entry; dead was emptied")
        .containsExactlyInAnyOrder("busy", "live");
  }

  @Test
  void anEntryTakenOverAndAcknowledgedElsewhereIsNotDeadLettered(Vertx vertx) throws Throwable {
    connect(vertx, TestRedis.url(), ProtocolVersion.RESP3);
    RedisStreamQueue slow = queue("slow");
    RedisStreamQueue other = queue("other");
    result(slow.add(Map.of("n", "1")));
    QueueEntry entry = result(slow.next(10, 100)).get(0);
    result(vertx.timer(300));
    assertThat(result(other.claimStale(200, 10))).hasSize(1);
    result(other.ack(entry.id()));
    result(slow.deadLetter(entry, "too late", 5));
    assertThat(result(slow.deadLetters(10))).isEmpty();
  }

  @Test
  void claimStaleStopsAtMaxAndLeavesTheRestForTheNextCall(Vertx vertx) throws Throwable {
    connect(vertx, TestRedis.url(), ProtocolVersion.RESP3);
    RedisStreamQueue dead = queue("dead");
    RedisStreamQueue live = queue("live");
    for (int i = 0; i < 5; i++) {
      result(dead.add(Map.of("n", Integer.toString(i))));
    }
    result(dead.next(10, 100));
    result(vertx.timer(300));

    assertThat(result(live.claimStale(200, 3))).extracting(e -> e.fields().get("n")).containsExactly("0", "1", "2");
    assertThat(result(live.claimStale(200, 3))).extracting(e -> e.fields().get("n")).containsExactly("3", "4");
  }

  @Test
  void trimNeverRemovesPendingOrUndeliveredEntries(Vertx vertx) throws Throwable {
    connect(vertx, TestRedis.url(), ProtocolVersion.RESP3);
    RedisStreamQueue q = queue("a");
    for (int i = 0; i < 5; i++) {
      result(q.add(Map.of("n", Integer.toString(i))));
    }
    List<QueueEntry> first = result(q.next(2, 100));
    result(q.ack(first.get(0).id()));

    assertThat(result(q.trim())).as("only the acknowledged entry before the pending one").isEqualTo(1);
    assertThat(length()).isEqualTo(4);

    result(q.ack(first.get(1).id()));
    assertThat(result(q.trim())).as("up to the last delivered entry, not past it").isEqualTo(1);
    assertThat(length()).isEqualTo(3);

    List<QueueEntry> rest = result(q.next(10, 100));
    assertThat(rest).extracting(e -> e.fields().get("n")).containsExactly("2", "3", "4");
    for (QueueEntry e : rest) {
      result(q.ack(e.id()));
    }
    assertThat(result(q.trim())).isEqualTo(3);
    assertThat(length()).isZero();
  }

  @Test
  void trimKeepsWhatAnotherGroupHasNotReadYet(Vertx vertx) throws Throwable {
    connect(vertx, TestRedis.url(), ProtocolVersion.RESP3);
    RedisStreamQueue q = queue("a");
    result(pool.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(stream()).arg("audit").arg("0")));
    result(q.add(Map.of("n", "1")));
    result(q.ack(result(q.next(10, 100)).get(0).id()));

    assertThat(result(q.trim())).isZero();
    assertThat(length()).isEqualTo(1);
  }

  @Test
  void aLostHistoryStartsANewEpochAndAResumeFromTheOldOneIsNotRecovered(Vertx vertx) throws Throwable {
    connect(vertx, TestRedis.url(), ProtocolVersion.RESP3);
    RedisHistory h = new RedisHistory(pool, config, new HistoryConfig(100, 0), new PublishConfig(60_000));
    Channel ch = new Channel("news", "lost");
    result(h.commit(ch, null, Buffer.buffer("a")));
    MessageId before = result(h.commit(ch, null, Buffer.buffer("b"))).id();

    result(pool.send(Request.cmd(Command.DEL).arg(config.keyPrefix() + "{" + ch + "}:history")));
    MessageId after = result(h.commit(ch, null, Buffer.buffer("c"))).id();

    assertThat(after.epoch()).isNotEqualTo(before.epoch());
    assertThat(after.offset()).isEqualTo(1);
    assertThat(result(h.size(ch))).isEqualTo(1);
    Replay r = result(h.since(ch, before, 10));
    assertThat(r.recovered()).isFalse();
    assertThat(r.entries()).extracting(Replay.Entry::id).containsExactly(after);
  }

  @Test
  void aDedupeMarkerFromALostHistoryDoesNotHideTheMessage(Vertx vertx) throws Throwable {
    connect(vertx, TestRedis.url(), ProtocolVersion.RESP3);
    RedisHistory h = new RedisHistory(pool, config, new HistoryConfig(100, 0), new PublishConfig(60_000));
    Channel ch = new Channel("news", "marker");
    MessageId first = result(h.commit(ch, "post:1", Buffer.buffer("a"))).id();
    result(pool.send(Request.cmd(Command.DEL).arg(config.keyPrefix() + "{" + ch + "}:history")));
    Commit again = result(h.commit(ch, "post:1", Buffer.buffer("a")));
    assertThat(again.duplicate()).as("the old marker names an id of a lost epoch").isFalse();
    assertThat(again.id().epoch()).isNotEqualTo(first.epoch());
    assertThat(result(h.commit(ch, "post:1", Buffer.buffer("a"))).duplicate()).isTrue();
  }

  @Test
  void nextReconnectsAfterRedisRestarts(Vertx vertx) throws Throwable {
    try (RedisServerProcess server = RedisServerProcess.start()) {
      connect(vertx, server.url(), ProtocolVersion.RESP3);
      RedisStreamQueue q = queue("a");
      result(q.add(Map.of("n", "1")));
      assertThat(result(q.next(10, 100))).hasSize(1);

      server.stop();
      assertThat(failure(q.next(10, 100))).isNotNull();
      server.restart();

      // The server came back empty: the first reads may still fail (stale connection, then NOGROUP, which
      // recreates the group at 0, so the entry added before it is still delivered); the caller retries.
      result(retry(() -> q.add(Map.of("n", "2")), 10));
      List<QueueEntry> got = result(retry(() -> q.next(10, 100), 10));
      assertThat(got).extracting(e -> e.fields().get("n")).containsExactly("2");
      for (RedisStreamQueue open : queues) {
        result(open.close());
      }
      queues.clear();
      result(pool.close());
      pool = null;
    }
  }

  private <T> Future<T> retry(java.util.function.Supplier<Future<T>> call, int attempts) {
    return call.get().recover(err -> attempts <= 1 ? Future.failedFuture(err)
        : vertx.timer(100).compose(t -> retry(call, attempts - 1)));
  }

  private long length() throws Throwable {
    return result(pool.send(Request.cmd(Command.XLEN).arg(stream()))).toLong();
  }

  private List<String> consumers() throws Throwable {
    Response reply = result(pool.send(Request.cmd(Command.XINFO).arg("CONSUMERS").arg(stream())
        .arg(RedisStreamQueueIT.ingest().group())));
    List<String> names = new ArrayList<>();
    for (Response c : reply) {
      names.add(c.isMap() ? c.get("name").toString() : StreamReplies.fields(c).get("name"));
    }
    return names;
  }
}
