package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.Await;
import dev.herald.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bench's view of an ingest step from a real Redis: the group's backlog, and the calls Redis counted, so that
 * posts per script call and Redis's time per call come from Redis's own {@code INFO commandstats}. Redis counts
 * every client's calls, so the counts are exact only while no other client calls it (as under scripts/test).
 */
class IngestBacklogIT {

  private final Vertx vertx = Vertx.vertx();
  private final Redis redis = Redis.createClient(vertx, TestRedis.options(TestRedis.url(), ProtocolVersion.RESP3));
  private final String prefix = TestRedis.newPrefix();
  private final IngestBacklog backlog = new IngestBacklog(vertx, BenchOptions.parse(new String[] {
      "--redis-url", TestRedis.url(), "--stream", prefix + "ingest", "--dead-stream", prefix + "dead"}, 0));

  @AfterEach
  void stop() {
    backlog.close();
    Await.of(TestRedis.deleteKeys(redis, prefix), 10);
    Await.of(vertx.close(), 30);
  }

  @Test
  void aStepsCallsAreRedisCountsBetweenTwoReadings() {
    send(Command.XGROUP, "CREATE", prefix + "ingest", "herald", "$", "MKSTREAM");
    Map<String, IngestBacklog.CommandStat> before = Await.of(backlog.commandStats(), 10);
    for (int i = 0; i < 3; i++) {
      send(Command.XADD, prefix + "ingest", "*", "post", "{}");
    }
    send(Command.XREADGROUP, "GROUP", "herald", "c1", "COUNT", "10", "STREAMS", prefix + "ingest", ">");
    for (int i = 0; i < 2; i++) {
      send(Command.EVAL, "return redis.call('INCR', KEYS[1])", "1", prefix + "n");
    }
    Map<String, IngestBacklog.CommandStat> after = Await.of(backlog.commandStats(), 10);

    JsonObject calls = IngestBacklog.redisCalls(before, after, 10);

    assertThat(calls.getLong("scripts")).isEqualTo(2);
    assertThat(calls.getDouble("postsPerScript")).isEqualTo(5.0);
    assertThat(calls.getDouble("microsPerScript")).isPositive();
    assertThat(calls.getLong("xadd")).isEqualTo(3);
    assertThat(calls.getLong("xreadgroup")).isEqualTo(1);
    assertThat(calls.getLong("xack")).isZero();
    IngestBacklog.State state = Await.of(backlog.read(), 10);
    assertThat(state.pending()).isEqualTo(3);
    assertThat(state.drained()).isFalse();
  }

  @Test
  void aStepWithoutScriptsHasNoFiguresPerScript() {
    Map<String, IngestBacklog.CommandStat> stats = Await.of(backlog.commandStats(), 10);

    JsonObject calls = IngestBacklog.redisCalls(stats, stats, 10);

    assertThat(calls.getLong("scripts")).isZero();
    assertThat(calls.getValue("postsPerScript")).isNull();
    assertThat(calls.getValue("microsPerScript")).isNull();
  }

  private void send(Command command, String... args) {
    Request request = Request.cmd(command);
    for (String arg : args) {
      request.arg(arg);
    }
    Await.of(redis.send(request), 10);
  }
}
