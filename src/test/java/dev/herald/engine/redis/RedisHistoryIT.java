package dev.herald.engine.redis;

import static dev.herald.testing.Await.failure;
import static dev.herald.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.HistoryConfig;
import dev.herald.config.PublishConfig;
import dev.herald.config.RedisConfig;
import dev.herald.engine.Commit;
import dev.herald.engine.History;
import dev.herald.engine.HistoryContract;
import dev.herald.engine.Replay;
import dev.herald.message.Channel;
import dev.herald.message.MessageId;
import dev.herald.testing.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The history contract on Redis (RESP3); each test under its own key prefix. */
class RedisHistoryIT extends HistoryContract {

  private Redis pool;
  private RedisConfig config;

  /** The protocol the client speaks; a subclass runs the whole contract over RESP2. */
  protected ProtocolVersion protocol() {
    return ProtocolVersion.RESP3;
  }

  @BeforeEach
  void connect() {
    pool = Redis.createClient(vertx, TestRedis.options(TestRedis.url(), protocol()));
    config = new RedisConfig(TestRedis.url(), TestRedis.newPrefix(), 4);
  }

  @Override
  protected History history(int size) {
    return new RedisHistory(pool, config, new HistoryConfig(size, 0), new PublishConfig(60_000));
  }

  /**
   * Redis applies requests in order only within one connection: commits made without waiting must all go on the
   * connection kept for them, not on whichever pooled connections are free (the contract test's order check alone
   * cannot tell: on loopback the pool rarely reorders). The pool's own connection, used for CLIENT LIST here, must
   * not be that one either.
   */
  @Test
  void commitsMadeWithoutWaitingShareOneConnection() throws Throwable {
    History h = history(1000);
    CompletableFuture<List<Future<List<Commit>>>> sent = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      List<Future<List<Commit>>> commits = new ArrayList<>();
      for (int i = 1; i <= 200; i++) {
        commits.add(h.commitAll(List.of(CHANNEL, OTHER), null, Buffer.buffer("m" + i)));
      }
      sent.complete(commits);
    });
    for (Future<List<Commit>> f : sent.get()) {
      result(f);
    }

    assertThat(committingConnections()).hasSize(1);
    result(h.close());
  }

  /**
   * Commits made on one event loop meanwhile go to Redis as one script call per group (CommitGroup): 200 made in
   * one turn take at most ceil(200 / 64) calls, one per commit before, and keep their order in each channel.
   */
  @Test
  void commitsMadeInOneTurnGoInGroups() throws Throwable {
    History h = history(1000);
    long callsBefore = calls("evalsha");
    List<List<Commit>> answers = new ArrayList<>();
    for (Future<List<Commit>> f : commitInOneTurn(h, 200, i -> List.of(CHANNEL, OTHER))) {
      answers.add(result(f));
    }

    assertThat(calls("evalsha") - callsBefore).isBetween(1L, 4L);
    for (int i = 0; i < answers.size(); i++) {
      assertThat(answers.get(i)).extracting(c -> c.id().offset()).containsExactly(i + 1L, i + 1L);
    }
    assertThat(result(h.since(CHANNEL, answers.get(0).get(0).id(), 1000)).entries())
        .extracting(e -> e.body().toString())
        .containsExactlyElementsOf(IntStream.rangeClosed(2, 200).mapToObj(i -> "m" + i).toList());
    result(h.close());
  }

  /**
   * A commit that fails in Redis (here its channel's key holds a string) fails alone: the commits grouped with
   * it in the same script call, before and after it, are made and answered.
   */
  @Test
  void aCommitFailingInRedisLeavesTheOthersOfItsGroupCommitted() throws Throwable {
    History h = history(100);
    Channel broken = new Channel("news", "broken");
    result(pool.send(Request.cmd(Command.SET).arg(key(broken)).arg("not a list")));
    long callsBefore = calls("evalsha");

    List<Future<List<Commit>>> commits = commitInOneTurn(h, 3, i -> List.of(i == 2 ? broken : CHANNEL));

    assertThat(calls("evalsha") - callsBefore).as("one group").isEqualTo(1);
    assertThat(result(commits.get(0)).get(0).id().offset()).isEqualTo(1);
    assertThat(result(commits.get(2)).get(0).id().offset()).isEqualTo(2);
    assertThat(commits.get(1).failed()).isTrue();
    assertThat(commits.get(1).cause()).hasMessageContaining("WRONGTYPE");
    assertThat(result(h.size(CHANNEL))).isEqualTo(2);
    result(h.close());
  }

  /** Makes n commits ("m1"…) on an event loop in one turn, the i-th (from 1) to {@code channels.apply(i)}. */
  private List<Future<List<Commit>>> commitInOneTurn(History h, int n, IntFunction<List<Channel>> channels)
      throws Throwable {
    CompletableFuture<List<Future<List<Commit>>>> sent = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      List<Future<List<Commit>>> commits = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        commits.add(h.commitAll(channels.apply(i), null, Buffer.buffer("m" + i)));
      }
      sent.complete(commits);
    });
    List<Future<List<Commit>>> commits = sent.get();
    for (Future<List<Commit>> f : commits) {
      try {
        result(f);
      } catch (Throwable e) {
        // checked by the caller
      }
    }
    return commits;
  }

  /** Ids of the clients whose last command was the commit script. */
  private List<String> committingConnections() throws Throwable {
    String clients = result(pool.send(Request.cmd(Command.CLIENT).arg("LIST"))).toString();
    return clients.lines().filter(l -> l.contains(" cmd=evalsha"))
        .map(l -> l.substring(3, l.indexOf(' '))).toList();
  }

  /**
   * The connection kept for commits is replaced after Redis dropped it; only commits in flight on it fail. The new
   * connection loads the script before its first commit, as after a Redis restart (scripts flushed): an EVALSHA
   * answered NOSCRIPT would fall back to EVAL behind later commits and reorder them.
   */
  @Test
  void commitsGoOnAfterTheirConnectionWasKilledAndTheScriptIsLoadedFirst() throws Throwable {
    History h = history(100);
    assertThat(result(h.commit(CHANNEL, null, Buffer.buffer("one"))).id().offset()).isEqualTo(1);
    result(pool.send(Request.cmd(Command.SCRIPT).arg("FLUSH")));
    long evalsBefore = evalCalls();

    // The connection whose last command was the commit script; the next commit must lease a new one.
    List<String> committing = committingConnections();
    assertThat(committing).hasSize(1);
    result(pool.send(Request.cmd(Command.CLIENT).arg("KILL").arg("ID").arg(committing.get(0))));

    assertThat(eventually(() -> h.commit(CHANNEL, null, Buffer.buffer("two"))).id().offset()).isEqualTo(2);
    assertThat(evalCalls()).as("no EVAL fallback after NOSCRIPT").isEqualTo(evalsBefore);
    assertThat(result(h.size(CHANNEL))).isEqualTo(2); // its script is not loaded ahead: one EVAL here
    result(h.close());
  }

  /** How many EVAL (not EVALSHA) commands Redis has run. */
  private long evalCalls() throws Throwable {
    return calls("eval");
  }

  /** How many times Redis has run {@code command} (lower case), scripts' calls included. */
  private long calls(String command) throws Throwable {
    String stats = result(pool.send(Request.cmd(Command.INFO).arg("commandstats"))).toString();
    return stats.lines().filter(l -> l.startsWith("cmdstat_" + command + ":")).findFirst()
        .map(l -> Long.parseLong(l.substring(l.indexOf("calls=") + 6, l.indexOf(',')))).orElse(0L);
  }

  private History history(int size, long ttlSeconds) {
    return new RedisHistory(pool, config, new HistoryConfig(size, ttlSeconds), new PublishConfig(60_000));
  }

  private String key(Channel channel) {
    return config.keyPrefix() + "{" + channel + "}:history";
  }

  private long ttl(String key) throws Throwable {
    return result(pool.send(Request.cmd(Command.TTL).arg(key))).toLong();
  }

  /** A history's key expires ttl (to ttl + the script's time step) after its last commit; the next starts anew. */
  @Test
  void aHistoryExpiresAfterItsTtl() throws Throwable {
    History h = history(100, 2);
    MessageId first = result(h.commit(CHANNEL, null, Buffer.buffer("one"))).id();
    assertThat(ttl(key(CHANNEL))).isBetween(1L, 3L); // ttl 2 s, step 1 s
    for (int i = 0; i < 100 && exists(key(CHANNEL)); i++) {
      Thread.sleep(100);
    }
    assertThat(exists(key(CHANNEL))).isFalse();

    MessageId next = result(h.commit(CHANNEL, null, Buffer.buffer("two"))).id();
    assertThat(next.epoch()).isNotEqualTo(first.epoch());
    assertThat(next.offset()).isEqualTo(1);
    result(h.close());
  }

  /**
   * With a day-long ttl the key's expiry is set when the history is made and then moved at most once a minute, not
   * by an EXPIRE per commit (a fifth of Redis's work per post); a node with no ttl makes it persist.
   */
  @Test
  void theExpiryIsMovedOncePerStepNotAtEveryCommit() throws Throwable {
    History h = history(100, 86_400);
    long before = calls("expireat") + calls("expire");
    for (int i = 1; i <= 20; i++) {
      result(h.commit(CHANNEL, null, Buffer.buffer("m" + i)));
    }
    // Once when the history was made, once more if a minute began during the commits.
    assertThat(calls("expireat") + calls("expire") - before).isBetween(1L, 2L);
    assertThat(ttl(key(CHANNEL))).isBetween(86_400L - 10, 86_400L + 60);
    result(h.close());

    History persistent = history(100, 0);
    result(persistent.commit(CHANNEL, null, Buffer.buffer("kept")));
    assertThat(ttl(key(CHANNEL))).isEqualTo(-1L);
    result(persistent.close());
  }

  /**
   * Every post opens a channel of its own: a history of one message must cost Redis about the message, not a
   * 4 KB stream node (what a stream took per post channel).
   */
  @Test
  void aOneMessageHistoryTakesAboutItsMessage() throws Throwable {
    History h = history(1000, 86_400);
    Buffer body = Buffer.buffer("x".repeat(400));
    result(h.commit(CHANNEL, "post:1", body));

    long bytes = result(pool.send(Request.cmd(Command.MEMORY).arg("USAGE").arg(key(CHANNEL)).arg("SAMPLES").arg(0)))
        .toLong();
    assertThat(bytes).as("the key of a one-message history").isLessThan(1_024);
    result(h.close());
  }

  /**
   * A full history is cut back in batches, not by an LTRIM at every commit (a tenth of the commit script's cost
   * per post: scripts/bench-redis-commit): the list never holds more than the size and an eighth, and all of it
   * returns to the size at once.
   */
  @Test
  void aFullHistoryIsTrimmedInBatchesWithinASlackOfAnEighth() throws Throwable {
    int size = 80;
    History h = history(size, 0);
    long trimsBefore = calls("ltrim");
    long longest = 0;
    for (int i = 1; i <= 300; i++) {
      result(h.commit(CHANNEL, null, Buffer.buffer("m" + i)));
      longest = Math.max(longest, result(pool.send(Request.cmd(Command.LLEN).arg(key(CHANNEL)))).toLong());
    }

    assertThat(longest).as("the header and the bodies").isEqualTo(1 + size + size / 8);
    // The 91st commit cuts the list back to 80, and then every 11th: 20 cuts where a cut per commit made 220.
    assertThat(calls("ltrim") - trimsBefore).isEqualTo(20);
    assertThat(result(h.size(CHANNEL))).isEqualTo(size);
    result(h.close());
  }

  /**
   * A history whose messages were all removed keeps its key, with its expiry: the header holds the offsets, so the
   * next commit follows the top and a resume from it is recovered.
   */
  @Test
  void aHistoryEmptiedByRemovalsKeepsItsKeyAndItsExpiry() throws Throwable {
    History h = history(100, 86_400);
    MessageId only = result(h.commit(CHANNEL, null, Buffer.buffer("one"))).id();
    assertThat(result(h.remove(CHANNEL, only))).isTrue();

    assertThat(result(pool.send(Request.cmd(Command.LLEN).arg(key(CHANNEL)))).toLong()).as("the header").isEqualTo(1);
    assertThat(ttl(key(CHANNEL))).isBetween(86_400L - 10, 86_400L + 60);
    MessageId next = result(h.commit(CHANNEL, null, Buffer.buffer("two"))).id();
    assertThat(next).isEqualTo(new MessageId(only.epoch(), 2));
    Replay r = result(h.since(CHANNEL, only, 10));
    assertThat(r.recovered()).isTrue();
    assertThat(r.entries()).extracting(e -> e.body().toString()).containsExactly("two");
    result(h.close());
  }

  /**
   * The keys of builds before the one-key layout (a meta hash and a list of bodies) are not read: the channel's
   * history starts a new epoch, so a client resuming from an id of the old one is told it was not recovered.
   */
  @Test
  void theKeysOfTheEarlierLayoutAreNotRead() throws Throwable {
    String base = config.keyPrefix() + "{" + CHANNEL + "}:";
    result(pool.send(Request.cmd(Command.HSET).arg(base + "meta").arg("epoch").arg("old").arg("offset").arg(5)));
    result(pool.send(Request.cmd(Command.RPUSH).arg(base + "entries").arg("m5")));
    History h = history(100, 86_400);

    MessageId first = result(h.commit(CHANNEL, null, Buffer.buffer("new"))).id();

    assertThat(first.offset()).isEqualTo(1);
    assertThat(first.epoch()).isNotEqualTo("old");
    Replay r = result(h.since(CHANNEL, new MessageId("old", 5), 10));
    assertThat(r.recovered()).isFalse();
    assertThat(r.entries()).extracting(e -> e.body().toString()).containsExactly("new");
    result(h.close());
  }

  /** A history key whose first element is not a header fails its commits and reads with the key named. */
  @Test
  void aHistoryKeyWithoutAHeaderFailsWithItsName() throws Throwable {
    result(pool.send(Request.cmd(Command.RPUSH).arg(key(CHANNEL)).arg("not a header")));
    History h = history(100, 86_400);

    assertThat(failure(h.commit(CHANNEL, null, Buffer.buffer("m")))).hasMessageContaining(key(CHANNEL));
    assertThat(failure(h.since(CHANNEL, null, 10))).hasMessageContaining(key(CHANNEL));
    assertThat(failure(h.size(CHANNEL))).hasMessageContaining(key(CHANNEL));
    assertThat(result(h.remove(CHANNEL, new MessageId("e", 1)))).as("nothing to remove").isFalse();
    assertThat(result(h.commit(OTHER, null, Buffer.buffer("m"))).id().offset()).as("other channels").isEqualTo(1);
    result(h.close());
  }

  private boolean exists(String key) throws Throwable {
    return result(pool.send(Request.cmd(Command.EXISTS).arg(key))).toLong() > 0;
  }

  /** The first commit may still meet the killed connection before its close is noticed: it fails, the next one goes. */
  private static Commit eventually(Supplier<Future<Commit>> commit) throws Throwable {
    for (int attempt = 1; ; attempt++) {
      try {
        return result(commit.get());
      } catch (Throwable e) {
        if (attempt == 3) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  @AfterEach
  void cleanUp() throws Throwable {
    result(TestRedis.deleteKeys(pool, config.keyPrefix()));
    result(pool.close());
  }
}
