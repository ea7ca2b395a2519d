package dev.herald.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.UUID;

/**
 * The Redis that integration tests run against ({@code REDIS_URL}, which {@code scripts/test} sets), and the
 * hygiene rules: each test writes under its own key prefix and removes its keys at the end; nothing is ever
 * flushed, since the server may be shared.
 */
public final class TestRedis {

  private TestRedis() {
  }

  /** {@code REDIS_URL}; fails the calling test with a clear message when it is not set. */
  public static String url() {
    String url = System.getenv("REDIS_URL");
    if (url == null || url.isBlank()) {
      fail("set REDIS_URL or run scripts/test");
    }
    return url;
  }

  /** A key prefix no other test uses: {@code test:<random>:}. */
  public static String newPrefix() {
    return "test:" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }

  /**
   * Client options for {@code url} speaking the given protocol. The wait queue is raised from the default 24 so
   * tests that fire hundreds of commands at once measure the engine, not the pool.
   */
  public static RedisOptions options(String url, ProtocolVersion protocol) {
    return new RedisOptions().setConnectionString(url).setPreferredProtocolVersion(protocol).setMaxPoolSize(4)
        .setMaxPoolWaiting(1024);
  }

  /** Deletes every key under {@code prefix} (SCAN, then DEL), never anything else. */
  public static Future<Void> deleteKeys(Redis redis, String prefix) {
    return deleteFrom(redis, prefix, "0");
  }

  private static Future<Void> deleteFrom(Redis redis, String prefix, String cursor) {
    return redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(prefix + "*").arg("COUNT").arg(1000))
        .compose(reply -> {
          String next = reply.get(0).toString();
          List<String> keys = reply.get(1).stream().map(Response::toString).toList();
          Future<?> deleted = Future.succeededFuture();
          if (!keys.isEmpty()) {
            Request del = Request.cmd(Command.DEL);
            keys.forEach(del::arg);
            deleted = redis.send(del);
          }
          return deleted.compose(v -> "0".equals(next) ? Future.succeededFuture() : deleteFrom(redis, prefix, next));
        });
  }
}
