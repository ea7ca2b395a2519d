package dev.herald.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.RedisServerProcess;
import dev.herald.testing.TestNodes;
import dev.herald.testing.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Redis stopped and restarted while a producer keeps writing: ingest pauses, reconnects with backoff and resumes;
 * every entry the producer got an id for is delivered, once, in the producer's order.
 */
class RedisRestartIT {

  private static final int MESSAGES = 300;
  private static final int STOP_AT = 100;

  @Test
  void ingestResumesAfterRedisRestartsAndLosesNothing() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.startPersistent()) {
      Vertx vertx = Vertx.vertx();
      String prefix = "restart:";
      JsonObject tree = TestNodes.memory().put("engine", "redis")
          .put("redis", new JsonObject().put("url", redis.url()).put("keyPrefix", prefix))
          .put("ingest", new JsonObject().put("blockMs", 200).put("claimIdleMs", 1000).put("retryMaxMs", 500));
      HeraldNode node = TestNodes.start(vertx, tree);
      Redis producer = Redis.createClient(vertx, new RedisOptions().setConnectionString(redis.url()));
      try (WsTestClient subscriber = WsTestClient.connect(vertx, node.port(), "/ws?channels=thread:r")) {
        subscriber.nextOp("subscribed");
        for (int i = 1; i <= MESSAGES; i++) {
          if (i == STOP_AT) {
            redis.stop();
            redis.restart();
          }
          xaddUntilAccepted(producer, prefix, i);
        }
        List<Integer> got = new ArrayList<>();
        while (got.size() < MESSAGES) {
          got.add(subscriber.nextOp("message").getInteger("data"));
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= MESSAGES; i++) {
          expected.add(i);
        }
        assertThat(got).containsExactlyElementsOf(expected);
        assertThat(subscriber.drain()).noneMatch(f -> "message".equals(f.getString("op")));
      } finally {
        producer.close();
        Await.of(node.stop(0));
        Await.of(vertx.close());
      }
    }
  }

  /** A producer that retries until Redis takes the entry, as a real one would while Redis is away. */
  private static void xaddUntilAccepted(Redis producer, String prefix, int n) {
    String json = new JsonObject().put("channel", "thread:r").put("data", n).encode();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      try {
        Await.of(producer.send(Request.cmd(Command.XADD).arg(prefix + "ingest").arg("*").arg("publish").arg(json)), 5);
        return;
      } catch (RuntimeException | AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("Redis did not come back within 30 s", e);
        }
      }
    }
  }
}
