package dev.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.Eventually;
import dev.herald.testing.Http;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** {@code GET /health/ready}: up with its dependencies, 503 naming the one that is down, up again after. */
class ReadinessIT {

  @Test
  void memoryNodeIsReadyOnceServing() {
    Vertx vertx = Vertx.vertx();
    HeraldNode node = TestNodes.start(vertx, TestNodes.memory());
    try (Http http = new Http(vertx, node.port())) {
      Http.Reply r = http.get("/health/ready");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().getJsonObject("checks").getString("http")).isEqualTo("up");
      assertThat(r.json().getJsonObject("checks").containsKey("redis")).isFalse();
      assertThat(http.get("/health/live").status()).isEqualTo(200);
    } finally {
      Await.of(node.stop(0), 30);
      Await.of(vertx.close(), 30);
    }
  }

  @Test
  void redisNodeIsNotReadyWhileItsRedisIsDown() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      Vertx vertx = Vertx.vertx();
      HeraldNode node = TestNodes.start(vertx, TestNodes.memory().put("engine", "redis")
          .put("redis", new JsonObject().put("url", redis.url()).put("keyPrefix", "ready:")));
      try (Http http = new Http(vertx, node.port())) {
        Http.Reply up = http.get("/health/ready");
        assertThat(up.status()).isEqualTo(200);
        assertThat(up.json().getJsonObject("checks").getString("redis")).isEqualTo("up");

        redis.stop();
        Http.Reply down = Eventually.get(20, () -> {
          Http.Reply r = http.get("/health/ready");
          assertThat(r.status()).isEqualTo(503);
          return r;
        });
        assertThat(down.json().getBoolean("ready")).isFalse();
        assertThat(down.json().getJsonObject("checks").getString("redis")).startsWith("down");
        assertThat(down.json().getJsonObject("checks").getString("http")).isEqualTo("up");
        assertThat(http.get("/health/live").status()).isEqualTo(200);

        redis.restart();
        Eventually.within(20, () -> assertThat(http.get("/health/ready").status()).isEqualTo(200));
      } finally {
        Await.of(node.stop(0), 30);
        Await.of(vertx.close(), 30);
      }
    }
  }
}
