package dev.herald.testing;

import dev.herald.HeraldMain;
import dev.herald.HeraldNode;
import dev.herald.IoTransport;
import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.config.NodeConfig;
import dev.herald.config.PublisherConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Starts real nodes for tests: port 0, a node id of their own, the given settings over the defaults. */
public final class TestNodes {

  /** The publisher key of every test node, allowed on every namespace; {@link Http} sends it by default. */
  public static final String PUBLISH_KEY = "test-publisher-key-0123456789abcdef";
  /** The HS256 secret that verifies subscriber tokens on every test node. */
  public static final String JWT_SECRET = "test-jwt-secret-0123456789abcdef0123456789";

  private TestNodes() {
  }

  /**
   * A config tree for the memory engine with test-friendly settings (no start-up warm-up: its connections would
   * show in what tests count), a known publisher key and token secret.
   */
  public static JsonObject memory() {
    return new JsonObject().put("engine", "memory").put("node", new JsonObject().put("warmupConnections", 0))
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 2))
        .put("log", new JsonObject().put("level", "WARN"))
        .put("security", new JsonObject()
            .put("publishers", new JsonArray().add(publisher(PUBLISH_KEY, "*")))
            .put("jwt", new JsonObject().put("hs256Secrets", new JsonArray().add(JWT_SECRET))));
  }

  /** One {@code security.publishers} entry for a plaintext key. */
  public static JsonObject publisher(String key, String... namespaces) {
    return new JsonObject().put("sha256", PublisherConfig.sha256Hex(key)).put("namespaces", new JsonArray(List.of(namespaces)));
  }

  /**
   * A Vert.x with the fat jar's metrics options, in a registry of its own so tests scraping {@code /metrics} never
   * share.
   */
  public static Vertx vertxWithMetrics() {
    return vertxWithMetrics(NodeConfig.NIO);
  }

  /** As {@link #vertxWithMetrics()}, on the I/O transport named as {@code node.ioTransport} names it. */
  public static Vertx vertxWithMetrics(String ioTransport) {
    return Vertx.builder().with(new VertxOptions().setMetricsOptions(HeraldMain.metricsOptions()
        .setRegistryName("test-" + UUID.randomUUID()))).withTransport(IoTransport.choose(ioTransport).transport())
        .build();
  }

  public static HeraldConfig config(JsonObject tree) {
    return ConfigLoader.fromJson(tree, "test", Map.of());
  }

  public static HeraldNode start(Vertx vertx, JsonObject tree) {
    return Await.of(HeraldNode.start(vertx, config(tree)), 30);
  }
}
