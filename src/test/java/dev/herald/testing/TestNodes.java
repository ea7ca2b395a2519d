package dev.herald.testing;

import dev.herald.HeraldNode;
import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Starts real nodes for tests: port 0, a node id of their own, the given settings over the defaults. */
public final class TestNodes {

  private TestNodes() {
  }

  /** A config tree for the memory engine with test-friendly settings. */
  public static JsonObject memory() {
    return new JsonObject().put("engine", "memory")
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 2))
        .put("log", new JsonObject().put("level", "WARN"));
  }

  /** A Vert.x with Prometheus metrics in a registry of its own, so tests scraping {@code /metrics} never share. */
  public static Vertx vertxWithMetrics() {
    return Vertx.builder().with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setRegistryName("test-" + UUID.randomUUID()))).build();
  }

  public static HeraldConfig config(JsonObject tree) {
    return ConfigLoader.fromJson(tree, "test", Map.of());
  }

  public static HeraldNode start(Vertx vertx, JsonObject tree) {
    return Await.of(HeraldNode.start(vertx, config(tree)), 30);
  }
}
