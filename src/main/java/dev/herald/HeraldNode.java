package dev.herald;

import dev.herald.cluster.Codecs;
import dev.herald.config.HeraldConfig;
import dev.herald.engine.History;
import dev.herald.engine.Queue;
import dev.herald.engine.memory.MemoryHistory;
import dev.herald.engine.memory.MemoryQueue;
import dev.herald.engine.redis.RedisHistory;
import dev.herald.engine.redis.RedisStreamQueue;
import dev.herald.fanout.ChannelRouter;
import dev.herald.fanout.CloseReason;
import dev.herald.fanout.Publisher;
import dev.herald.fanout.SubscribePolicy;
import dev.herald.format.FormatterVerticle;
import dev.herald.ingest.IngestVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The only class that knows every verticle: builds the engine, deploys formatter, HTTP loops and ingest in that
 * order, and stops them in reverse (ingest drains first, clients are told where to resume).
 */
public final class HeraldNode {

  private static final Logger LOG = Logger.getLogger(HeraldNode.class.getName());
  /** Spread of clients' reconnects after a shutdown, ms. */
  static final long DEFAULT_RECONNECT_SPREAD_MS = 5000;

  private final Vertx vertx;
  private final NodeServices services;
  private final Supplier<Future<Void>> closeEngine;
  private final List<HttpVerticle> httpLoops = new ArrayList<>();
  private final List<String> deployments = new ArrayList<>();
  private int port;
  private long sweepTimer = -1;

  private HeraldNode(Vertx vertx, NodeServices services, Supplier<Future<Void>> closeEngine) {
    this.vertx = vertx;
    this.services = services;
    this.closeEngine = closeEngine;
  }

  /** Starts a node on {@code vertx} (clustered or not). */
  public static Future<HeraldNode> start(Vertx vertx, HeraldConfig config) {
    Codecs.register(vertx.eventBus());
    String nodeId = config.nodeId(hostName(), config.http().port() == 0 ? randomPortTag() : config.http().port());
    return engine(vertx, config, nodeId).compose(engine -> {
      ChannelRouter router = new ChannelRouter(vertx.eventBus());
      NodeServices services = new NodeServices(config, nodeId, engine.queue, engine.history, router,
          new Publisher(vertx.eventBus(), engine.history), SubscribePolicy.OPEN);
      HeraldNode node = new HeraldNode(vertx, services, engine.close);
      return node.deploy().map(node);
    });
  }

  public String nodeId() {
    return services.nodeId();
  }

  /** The bound HTTP port. */
  public int port() {
    return port;
  }

  public ChannelRouter router() {
    return services.router();
  }

  /**
   * Stops in reverse order: ingest finishes and acknowledges what it holds, clients get {@code disconnect} with
   * their positions and a reconnect delay spread over {@code spreadMs}, then the HTTP loops, the formatter and the
   * engine close.
   */
  public Future<Void> stop(long spreadMs) {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    Future<Void> chain = Future.succeededFuture();
    List<String> reversed = new ArrayList<>(deployments);
    java.util.Collections.reverse(reversed);
    String ingest = reversed.isEmpty() ? null : reversed.get(0);
    if (ingest != null) {
      chain = chain.compose(v -> vertx.undeploy(ingest)).recover(e -> Future.succeededFuture());
    }
    chain = chain.compose(v -> Future.all(httpLoops.stream()
        .map(h -> h.disconnectAll(CloseReason.SHUTDOWN, spreadMs)).toList()).mapEmpty());
    for (String id : reversed.subList(ingest == null ? 0 : 1, reversed.size())) {
      chain = chain.compose(v -> vertx.undeploy(id)).recover(e -> Future.succeededFuture());
    }
    return chain.compose(v -> services.queue().close()).compose(v -> services.history().close())
        .eventually(closeEngine::get)
        .onComplete(r -> LOG.info("node " + services.nodeId() + " stopped"));
  }

  public Future<Void> stop() {
    return stop(DEFAULT_RECONNECT_SPREAD_MS);
  }

  private Future<Void> deploy() {
    HeraldConfig config = services.config();
    return vertx.deployVerticle(new FormatterVerticle(services.publisher())).compose(id -> {
      deployments.add(id);
      return deployHttp(config.http().port(), config.http().effectiveInstances());
    }).compose(v -> vertx.deployVerticle(
            new IngestVerticle(services.queue(), config.ingest(), config.limits().maxFrameBytes()))
        .map(id -> {
          deployments.add(id);
          if (services.history() instanceof MemoryHistory memory) {
            sweepTimer = vertx.setPeriodic(60_000, t -> memory.sweep());
          }
          LOG.info("node " + services.nodeId() + " serving on " + config.http().host() + ":" + port + " ("
              + config.engine() + " engine, " + config.http().effectiveInstances() + " event loops, transport "
              + (vertx.isNativeTransportEnabled() ? "native epoll" : "NIO") + ")");
          return null;
        }));
  }

  /** Open client sessions over every HTTP loop. */
  private Future<Integer> connectedClients() {
    List<HttpVerticle> loops;
    synchronized (httpLoops) {
      loops = new ArrayList<>(httpLoops);
    }
    return Future.all(loops.stream().map(HttpVerticle::sessionCount).toList())
        .map(all -> all.<Integer>list().stream().mapToInt(Integer::intValue).sum());
  }

  /** One verticle per event loop; Vert.x shares the listening socket between them (port 0 included). */
  private Future<Void> deployHttp(int requestedPort, int instances) {
    return vertx.deployVerticle(() -> {
      HttpVerticle loop = new HttpVerticle(services, requestedPort, this::connectedClients);
      synchronized (httpLoops) {
        httpLoops.add(loop);
      }
      return loop;
    }, new DeploymentOptions().setInstances(instances)).map(id -> {
      deployments.add(id);
      port = httpLoops.get(0).actualPort();
      return null;
    });
  }

  /** The engine's parts; {@code close} releases what queue and history share (the Redis pool). */
  private record Engine(Queue queue, History history, Supplier<Future<Void>> close) {
  }

  /** Commands waiting for a pooled Redis connection; bursts of commits must queue, not fail. */
  private static final int REDIS_MAX_WAITING = 100_000;

  private static Future<Engine> engine(Vertx vertx, HeraldConfig config, String nodeId) {
    if (!config.redisEngine()) {
      return Future.succeededFuture(new Engine(new MemoryQueue(vertx, System::currentTimeMillis),
          new MemoryHistory(config.history().size(), config.history().ttlSeconds() * 1000,
              config.publish().dedupeWindowMs(), System::currentTimeMillis), Future::succeededFuture));
    }
    RedisOptions options = new RedisOptions().setConnectionString(config.redis().url())
        .setMaxPoolSize(config.redis().poolSize()).setMaxPoolWaiting(REDIS_MAX_WAITING);
    Redis pool = Redis.createClient(vertx, options);
    return RedisStreamQueue.create(vertx, pool, options, config.redis(), config.ingest(), nodeId)
        .map(queue -> new Engine(queue, new RedisHistory(pool, config.redis(), config.history(), config.publish()),
            pool::close))
        .onFailure(e -> pool.close());
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "herald";
    }
  }

  private static int randomPortTag() {
    return 100_000 + ThreadLocalRandom.current().nextInt(900_000);
  }
}
