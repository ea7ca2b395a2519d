package dev.herald.testing;

import dev.herald.HeraldNode;
import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
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

  public static HeraldConfig config(JsonObject tree) {
    return ConfigLoader.fromJson(tree, "test", Map.of());
  }

  public static HeraldNode start(Vertx vertx, JsonObject tree) {
    return Await.of(HeraldNode.start(vertx, config(tree)), 30);
  }
}
