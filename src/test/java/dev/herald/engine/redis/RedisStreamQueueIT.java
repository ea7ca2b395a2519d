package dev.herald.engine.redis;

import static dev.herald.testing.Await.result;

import dev.herald.config.IngestConfig;
import dev.herald.config.RedisConfig;
import dev.herald.engine.Queue;
import dev.herald.engine.QueueContract;
import dev.herald.testing.TestRedis;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The queue contract on a Redis stream (RESP3, the client's default); each test under its own key prefix. */
class RedisStreamQueueIT extends QueueContract {

  private RedisOptions options;
  private Redis pool;
  private RedisConfig config;
  private final List<RedisStreamQueue> queues = new ArrayList<>();

  /** The protocol the clients speak; a subclass runs the whole contract over RESP2. */
  protected ProtocolVersion protocol() {
    return ProtocolVersion.RESP3;
  }

  @BeforeEach
  void connect() {
    options = TestRedis.options(TestRedis.url(), protocol());
    pool = Redis.createClient(vertx, options);
    config = new RedisConfig(TestRedis.url(), TestRedis.newPrefix(), 4);
  }

  @Override
  protected Queue queue(String consumer) throws Throwable {
    RedisStreamQueue q = result(RedisStreamQueue.create(vertx, pool, options, config, ingest(), consumer));
    queues.add(q);
    return q;
  }

  static IngestConfig ingest() {
    return new IngestConfig(IngestConfig.DEFAULT_STREAM, IngestConfig.DEFAULT_DEAD_STREAM,
        IngestConfig.DEFAULT_GROUP, 100, 2000, 5000, 5, 100, 5000, 0);
  }

  @AfterEach
  void cleanUp() throws Throwable {
    for (RedisStreamQueue q : queues) {
      result(q.close());
    }
    result(TestRedis.deleteKeys(pool, config.keyPrefix()));
    result(pool.close());
  }
}
