package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.Http;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.TestNodes;
import dev.herald.testing.TestRedis;
import dev.herald.testing.Tokens;
import dev.herald.testing.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pipeline on the Redis engine: the same behaviours, plus producers writing straight to the stream. */
class RedisWebSocketPipelineIT extends WebSocketPipelineIT {

  private final String prefix = TestRedis.newPrefix();
  private Redis redis;

  @Override
  protected JsonObject tree() {
    return redisTree(TestRedis.url(), prefix);
  }

  static JsonObject redisTree(String url, String prefix) {
    return TestNodes.memory().put("engine", "redis")
        .put("redis", new JsonObject().put("url", url).put("keyPrefix", prefix))
        .put("ingest", new JsonObject().put("blockMs", 200).put("claimIdleMs", 1000));
  }

  private Redis redis() {
    if (redis == null) {
      redis = Redis.createClient(vertx, TestRedis.options(TestRedis.url(), ProtocolVersion.RESP3));
    }
    return redis;
  }

  @AfterEach
  void cleanUp() {
    Redis r = Redis.createClient(Vertx.vertx(), TestRedis.options(TestRedis.url(), ProtocolVersion.RESP3));
    Await.of(TestRedis.deleteKeys(r, prefix));
    r.close();
  }

  private String xadd(String field, String json) {
    return Await.of(redis().send(Request.cmd(Command.XADD).arg(prefix + "ingest").arg("*").arg(field).arg(json)))
        .toString();
  }

  @Test
  void postWrittenToTheStreamReachesEachChannelOnceAndIsAcknowledged() {
    List<WsTestClient> subs = List.of(connect("/ws?channels=forum:tech"), connect("/ws?channels=thread:77"),
        connect("/ws?channels=user:u7&token=" + Tokens.forUser("u7", 60)), connect("/ws?channels=post:px"));
    subs.forEach(c -> c.nextOp("subscribed"));
    xadd("post", post("px", "77", "<p>from <i>redis</i></p>"));
    xadd("post", post("px", "77", "<p>from <i>redis</i></p>"));
    xadd("publish", new JsonObject().put("channels", List.of("forum:tech", "thread:77", "user:u7", "post:px"))
        .put("type", "marker").encode());
    for (WsTestClient c : subs) {
      List<JsonObject> got = c.messages(2);
      assertThat(got.get(0).getJsonObject("data").getString("message")).isEqualTo("<p>from <i>redis</i></p>");
      assertThat(got.get(1).getString("type")).isEqualTo("marker");
    }
    // The entry is acknowledged once the formatter answered, which can be just after subscribers got it.
    long deadline = System.nanoTime() + 10_000_000_000L;
    long pending;
    do {
      pending = Await.of(redis().send(Request.cmd(Command.XPENDING).arg(prefix + "ingest").arg("herald")))
          .get(0).toLong();
    } while (pending > 0 && System.nanoTime() < deadline);
    assertThat(pending).isZero();
  }

  @Test
  void apiAnswersWithTheStreamEntryId() {
    Http.Reply r = http.post("/api/publish", new JsonObject().put("channel", "thread:1").encode());
    assertThat(r.status()).isEqualTo(202);
    assertThat(r.json().getString("ingestId")).matches("\\d+-\\d+");
  }

  @Test
  void apiAnswers503WhenRedisIsDown() throws Exception {
    try (RedisServerProcess own = RedisServerProcess.start()) {
      Vertx v = Vertx.vertx();
      HeraldNode n = TestNodes.start(v, redisTree(own.url(), prefix));
      try (Http h = new Http(v, n.port())) {
        assertThat(h.post("/api/publish", new JsonObject().put("channel", "thread:1").encode()).status())
            .isEqualTo(202);
        own.stop();
        Http.Reply down = h.post("/api/publish", new JsonObject().put("channel", "thread:1").encode());
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.json().getString("error")).contains("unavailable");
      } finally {
        Await.of(n.stop(0));
        Await.of(v.close());
      }
    }
  }
}
