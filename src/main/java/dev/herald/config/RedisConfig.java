package dev.herald.config;

/**
 * The Redis server of the Redis engine.
 *
 * @param url       {@code redis://[:password@]host:port[/db]}; default {@value #DEFAULT_URL}
 * @param keyPrefix prefix of every key Herald writes, streams included; default {@value #DEFAULT_KEY_PREFIX}
 * @param poolSize  pooled connections for commits and acks; default {@value #DEFAULT_POOL_SIZE}
 */
public record RedisConfig(String url, String keyPrefix, int poolSize) {

  public static final String DEFAULT_URL = "redis://127.0.0.1:6379";
  public static final String DEFAULT_KEY_PREFIX = "herald:";
  public static final int DEFAULT_POOL_SIZE = 8;

  static RedisConfig read(ConfigReader r) {
    String url = r.string("url", DEFAULT_URL);
    if (!url.startsWith("redis://") && !url.startsWith("rediss://") && !url.startsWith("unix://")) {
      throw r.error("url", "must start with redis://, rediss:// or unix://");
    }
    return new RedisConfig(url, r.string("keyPrefix", DEFAULT_KEY_PREFIX),
        r.integer("poolSize", DEFAULT_POOL_SIZE, 1, 1024));
  }
}
