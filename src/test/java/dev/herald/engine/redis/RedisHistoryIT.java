package dev.herald.engine.redis;

import static dev.herald.testing.Await.result;

import dev.herald.config.HistoryConfig;
import dev.herald.config.PublishConfig;
import dev.herald.config.RedisConfig;
import dev.herald.engine.History;
import dev.herald.engine.HistoryContract;
import dev.herald.testing.TestRedis;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

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

  @AfterEach
  void cleanUp() throws Throwable {
    result(TestRedis.deleteKeys(pool, config.keyPrefix()));
    result(pool.close());
  }
}
