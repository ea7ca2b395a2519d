package dev.herald;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /health/ready}: the node is ready when its HTTP server is listening, its start-up warm-up is done
 * ({@code node.warmupConnections}), it is not draining, the Redis of the Redis engine answers PING (within
 * {@value #PING_TIMEOUT_MS} ms), and, when clustered, the cluster manager is active. The answer names each check, so
 * a 503 says what is not ready. Thread-safe.
 */
final class ReadinessCheck {

  private static final long PING_TIMEOUT_MS = 2000;
  static final String UP = "up";

  private final Vertx vertx;
  private final Supplier<Future<Void>> redisPing;
  private final BooleanSupplier httpUp;
  private final BooleanSupplier draining;
  private final BooleanSupplier warmedUp;

  /** {@code redisPing} is null on the memory engine. */
  ReadinessCheck(Vertx vertx, Supplier<Future<Void>> redisPing, BooleanSupplier httpUp, BooleanSupplier draining,
                 BooleanSupplier warmedUp) {
    this.vertx = vertx;
    this.redisPing = redisPing;
    this.httpUp = httpUp;
    this.draining = draining;
    this.warmedUp = warmedUp;
  }

  /** {@code {"ready":bool,"checks":{"http":"up","redis":"down: …",…}}}; never fails. */
  Future<JsonObject> check() {
    JsonObject checks = new JsonObject();
    checks.put("http", httpUp.getAsBoolean() ? UP : "down: not listening");
    checks.put("warmup", warmedUp.getAsBoolean() ? UP : "down: warming up");
    checks.put("drain", draining.getAsBoolean() ? "down: draining" : UP);
    if (vertx.isClustered()) {
      var manager = ((VertxInternal) vertx).clusterManager();
      checks.put("cluster", manager != null && manager.isActive() ? UP : "down: not a cluster member");
    }
    Future<Void> redis = redisPing == null ? Future.succeededFuture()
        : redisPing.get().timeout(PING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    return redis.transform(r -> {
      if (redisPing != null) {
        checks.put("redis", r.succeeded() ? UP : "down: " + r.cause().getMessage());
      }
      boolean ready = checks.stream().allMatch(e -> UP.equals(e.getValue()));
      return Future.succeededFuture(new JsonObject().put("ready", ready).put("checks", checks));
    });
  }
}
