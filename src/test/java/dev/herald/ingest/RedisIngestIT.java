package dev.herald.ingest;

import dev.herald.config.RedisConfig;
import dev.herald.engine.Queue;
import dev.herald.engine.redis.RedisStreamQueue;
import dev.herald.testing.Await;
import dev.herald.testing.TestRedis;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** Ingest job semantics on a real Redis stream and consumer group. */
class RedisIngestIT extends IngestContract {

  private final String prefix = TestRedis.newPrefix();
  private final List<Queue> queues = new ArrayList<>();
  private Redis pool;
  private RedisOptions options;

  @Override
  protected Queue queue(String consumer) {
    if (pool == null) {
      options = TestRedis.options(TestRedis.url(), ProtocolVersion.RESP3);
      pool = Redis.createClient(vertx, options);
    }
    Queue q = Await.of(RedisStreamQueue.create(vertx, pool, options, new RedisConfig(TestRedis.url(), prefix, 4),
        config(3, 300), consumer));
    queues.add(q);
    return q;
  }

  @AfterEach
  void cleanUp() {
    if (pool != null) {
      queues.forEach(q -> Await.of(q.close()));
      Await.of(TestRedis.deleteKeys(pool, prefix));
      pool.close();
    }
  }
}
