package dev.herald.config;

import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The whole node configuration, validated. Built by {@link ConfigLoader}; each section documents its keys,
 * defaults and units.
 *
 * @param engine     {@code memory} (default: in process, one node, no Redis) or {@code redis} (production)
 * @param namespaces which namespaces are private (need a subscriber token)
 * @param security   publisher keys and subscriber-token keys
 * @param reload     live reload of the config file
 */
public record HeraldConfig(NodeConfig node, HttpConfig http, String engine, RedisConfig redis, IngestConfig ingest,
                           HistoryConfig history, PublishConfig publish, LimitsConfig limits,
                           TransportConfig transport, SockJsConfig sockjs, DemoConfig demo, LogConfig log,
                           MetricsConfig metrics, ShutdownConfig shutdown, NamespacesConfig namespaces,
                           SecurityConfig security, ReloadConfig reload,
                           JsonObject effective) {

  public static final String ENGINE_MEMORY = "memory";
  public static final String ENGINE_REDIS = "redis";

  /** Reads and validates the tree; {@code r.finish()} is left to the caller so it can reject unknown keys. */
  static HeraldConfig read(ConfigReader r) {
    return new HeraldConfig(NodeConfig.read(r.section("node")), HttpConfig.read(r.section("http")),
        r.oneOf("engine", ENGINE_MEMORY, Set.of(ENGINE_MEMORY, ENGINE_REDIS)), RedisConfig.read(r.section("redis")),
        IngestConfig.read(r.section("ingest")), HistoryConfig.read(r.section("history")),
        PublishConfig.read(r.section("publish")), LimitsConfig.read(r.section("limits")),
        TransportConfig.read(r.section("transport")), SockJsConfig.read(r.section("sockjs")),
        DemoConfig.read(r.section("demo")),
        LogConfig.read(r.section("log")), MetricsConfig.read(r.section("metrics")),
        ShutdownConfig.read(r.section("shutdown")), NamespacesConfig.read(r, "namespaces"),
        SecurityConfig.read(r.section("security")), ReloadConfig.read(r.section("reload")), r.effective());
  }

  public boolean redisEngine() {
    return ENGINE_REDIS.equals(engine);
  }

  /** The node id: {@code node.id}, or {@code <host name>-<http port>} when that is empty. */
  public String nodeId(String hostName, int boundPort) {
    return node.id().isEmpty() ? hostName + "-" + boundPort : node.id();
  }

  /** A copy with another HTTP port (tests bind port 0). */
  public HeraldConfig withHttpPort(int port) {
    return new HeraldConfig(node, new HttpConfig(http.host(), port, http.allowedOrigins(), http.trustedProxies(),
        http.instances(), http.tls()),
        engine, redis, ingest, history, publish, limits, transport, sockjs, demo, log, metrics, shutdown, namespaces,
        security, reload, effective);
  }
}
