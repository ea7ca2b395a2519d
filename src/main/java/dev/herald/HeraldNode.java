package dev.herald;

import dev.herald.cluster.Codecs;
import dev.herald.cluster.SubscriberCensus;
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
import dev.herald.format.FormatterVerticle;
import dev.herald.ingest.IngestVerticle;
import dev.herald.message.Channel;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.security.KeyHashes;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.micrometer.impl.MicrometerMetrics;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The only class that knows every verticle: builds the engine, deploys formatter, HTTP loops and ingest in that
 * order, and stops them in reverse (ingest drains first, clients are told where to resume).
 */
public final class HeraldNode {

  private static final Logger LOG = Logger.getLogger(HeraldNode.class.getName());
  /** The plaintext admin key from the environment, hashed and added to {@code security.adminKeys}. */
  public static final String ADMIN_KEY_VARIABLE = "HERALD_ADMIN_KEY";

  private final Vertx vertx;
  private final NodeServices services;
  private final Supplier<Future<Void>> closeEngine;
  private final List<HttpVerticle> httpLoops = new ArrayList<>();
  private final List<String> deployments = new ArrayList<>();
  private volatile int port;
  private volatile boolean draining;
  private volatile Runnable drainRequestHandler;
  private String ingestDeployment;
  private HttpServer metricsServer;
  private final SubscriberCensus census;
  private long sweepTimer = -1;
  private long pollTimer = -1;
  private Future<Void> drained;
  private Future<Void> stopped;
  private ConfigReload reload;
  private volatile ConnectWarmup warmup;

  private HeraldNode(Vertx vertx, NodeServices services, Supplier<Future<Void>> closeEngine) {
    this.vertx = vertx;
    this.services = services;
    this.closeEngine = closeEngine;
    this.census = new SubscriberCensus(vertx, this::localSubscribers);
  }

  /** Starts a node on {@code vertx} (clustered or not) that watches no config file. */
  public static Future<HeraldNode> start(Vertx vertx, HeraldConfig config) {
    return start(vertx, config, null, System.getenv());
  }

  /**
   * Starts a node on {@code vertx} (clustered or not) with {@code config}, loaded from {@code file} (null: built-in
   * defaults, nothing to watch) and {@code env}; the file is watched for live changes ({@code reload.scanPeriodMs})
   * and re-read with the same {@code env}.
   */
  public static Future<HeraldNode> start(Vertx vertx, HeraldConfig config, Path file, Map<String, String> env) {
    Codecs.register(vertx.eventBus());
    String nodeId = config.nodeId(hostName(), config.http().port() == 0 ? randomPortTag() : config.http().port());
    return engine(vertx, config, nodeId).compose(engine -> {
      ChannelRouter router = ChannelRouter.forNode(vertx, config.node().channelLingerMs());
      HeraldMetrics metrics = metrics(vertx);
      metrics.channelsGauge(router::registrations);
      metrics.channelRegistrationsCounter(router, ChannelRouter::routesCreated);
      // Readiness reads the node's state, and the node needs the services readiness is part of: the check reads
      // the node through this holder, set right after construction (before any request can arrive).
      HeraldNode[] self = new HeraldNode[1];
      ReadinessCheck readiness = new ReadinessCheck(vertx, engine.ping, () -> self[0] != null && self[0].port > 0,
          () -> self[0] != null && self[0].draining, () -> self[0] != null && self[0].warmup().isComplete());
      LiveSettings live = new LiveSettings(vertx, config, env.get(ADMIN_KEY_VARIABLE));
      if (!live.current().publisherKeys().configured()) {
        // Chosen over an open API: a node that forgot its key must not accept posts from anyone on the internet.
        LOG.warning("publishing is disabled: no publisher key is configured (security.publishers or "
            + "HERALD_PUBLISH_KEY); POST /api/posts and /api/publish answer 401 until one is");
      }
      NodeServices services = new NodeServices(config, nodeId, engine.queue, engine.history, router,
          new Publisher(vertx.eventBus(), engine.history), live.policy(), metrics, readiness, live);
      HeraldNode node = new HeraldNode(vertx, services, engine.close);
      self[0] = node;
      return node.deploy().compose(v -> ConfigReload.start(vertx, file, env, config, live))
          .map(r -> {
            node.reload = r;
            // Not awaited: the node serves meanwhile, and readiness says when the warm-up is done.
            node.warmup = ConnectWarmup.start(vertx, config.http(), node.port, config.limits(),
                node.draining ? 0 : config.node().warmupConnections(), metrics::connectionsOpened);
            if (node.draining) { // a drain that came meanwhile did not see the warm-up to stop it
              node.warmup.stop();
            }
            return node;
          }).onFailure(e -> metrics.close());
    });
  }

  /** What the start-up warm-up ({@code node.warmupConnections}) did, once done; it never fails. */
  Future<ConnectWarmup.Result> warmup() {
    ConnectWarmup w = warmup;
    return w == null ? Promise.<ConnectWarmup.Result>promise().future() : w.done();
  }

  public String nodeId() {
    return services.nodeId();
  }

  /** The bound HTTP port. */
  public int port() {
    return port;
  }

  /**
   * The most unsent bytes any open connection of this node ever held (read on each event loop); with
   * {@code transport.maxBufferedBytes} it shows that slow clients cannot grow the heap.
   */
  public Future<Long> peakBufferedBytes() {
    return Future.all(httpLoops.stream().map(HttpVerticle::peakBufferedBytes).toList())
        .map(all -> all.<Long>list().stream().mapToLong(Long::longValue).max().orElse(0));
  }

  public ChannelRouter router() {
    return services.router();
  }

  /** The ingest queue (tools and tests: dead letters, pending entries). */
  public Queue queue() {
    return services.queue();
  }

  /** The node's meters. */
  public HeraldMetrics metrics() {
    return services.metrics();
  }

  /** The bound port of the separate metrics server; 0 when {@code /metrics} is on the public port. */
  public int metricsPort() {
    return metricsServer == null ? 0 : metricsServer.actualPort();
  }

  /** True from the start of a drain: new connections are refused and readiness reports 503. */
  public boolean draining() {
    return draining;
  }

  /**
   * What {@code POST /admin/drain} does. By default the node drains ({@link #drain(long)}) and keeps running, out
   * of rotation; {@link HeraldMain} sets a handler that stops and exits the process like SIGTERM.
   */
  public void onDrainRequest(Runnable handler) {
    this.drainRequestHandler = handler;
  }

  void requestDrain() {
    Runnable handler = drainRequestHandler;
    if (handler != null) {
      handler.run();
    } else {
      drain(services.config().shutdown().drainWindowMs());
    }
  }

  /** Subscribers of a channel on every node (answers for this node too). */
  public SubscriberCensus census() {
    return census;
  }

  /** Subscribers of {@code channel} on this node, summed over the event loops. */
  public Future<Integer> localSubscribers(Channel channel) {
    List<Future<Integer>> counts;
    synchronized (httpLoops) {
      counts = httpLoops.stream().map(h -> h.subscriberCount(channel)).toList();
    }
    return Future.all(counts).map(all -> counts.stream().mapToInt(Future::result).sum());
  }

  /**
   * Takes the node out of rotation: refuses new connections, stops ingest (which finishes and acknowledges the
   * entries it holds; the rest stays in the queue for other nodes), then sends every client {@code disconnect}
   * with its positions and a {@code retryAfterMs} drawn within {@code windowMs}, and closes it. Idempotent.
   */
  public synchronized Future<Void> drain(long windowMs) {
    if (drained != null) {
      return drained;
    }
    draining = true;
    if (warmup != null) {
      warmup.stop();
    }
    Future<Void> chain = Future.succeededFuture();
    if (ingestDeployment != null) {
      String id = ingestDeployment;
      chain = chain.compose(v -> vertx.undeploy(id)).recover(e -> {
        LOG.warning("ingest did not stop cleanly: " + e.getMessage());
        return Future.succeededFuture();
      });
    }
    List<HttpVerticle> loops;
    synchronized (httpLoops) {
      loops = new ArrayList<>(httpLoops);
    }
    drained = chain.compose(v -> Future.all(loops.stream()
            .map(h -> h.disconnectAll(CloseReason.SHUTDOWN, windowMs)).toList()).<Void>mapEmpty())
        .onComplete(r -> LOG.info("node " + services.nodeId() + " drained: ingest stopped, clients disconnected"));
    return drained;
  }

  /**
   * Stops in reverse order: ingest finishes and acknowledges what it holds, clients get {@code disconnect} with
   * their positions and a reconnect delay spread over {@code spreadMs}, then the HTTP loops, the formatter and the
   * engine close.
   */
  public synchronized Future<Void> stop(long spreadMs) {
    if (stopped != null) {
      return stopped;
    }
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
    }
    Future<Void> chain = drain(spreadMs).compose(v -> census.stop()).recover(e -> Future.succeededFuture());
    if (reload != null) {
      chain = chain.compose(v -> reload.close()).recover(e -> Future.succeededFuture());
    }
    List<String> reversed = new ArrayList<>(deployments);
    java.util.Collections.reverse(reversed);
    for (String id : reversed) {
      chain = chain.compose(v -> vertx.undeploy(id)).recover(e -> Future.succeededFuture());
    }
    if (metricsServer != null) {
      chain = chain.compose(v -> metricsServer.close()).recover(e -> Future.succeededFuture());
    }
    stopped = chain.compose(v -> services.queue().close()).compose(v -> services.history().close())
        .eventually(closeEngine::get)
        .onComplete(r -> {
          services.metrics().close();
          LOG.info("node " + services.nodeId() + " stopped");
        });
    return stopped;
  }

  /** Stops with the configured drain window ({@code shutdown.drainWindowMs}). */
  public Future<Void> stop() {
    return stop(services.config().shutdown().drainWindowMs());
  }

  /**
   * Formatters (one per event loop), then ingest, whose loop becomes the one channel consumers run on, then the
   * HTTP loops: an entry is then formatted, committed and handed to the hubs on the thread that claimed it.
   */
  private Future<Void> deploy() {
    HeraldConfig config = services.config();
    List<FormatterVerticle> formatters = new ArrayList<>();
    // Read by ingest's start, after the formatters' deployment completed.
    IngestVerticle ingest = new IngestVerticle(services.queue(), config.ingest(), config.limits().maxFrameBytes(),
        services.metrics(), c -> formatters.stream().anyMatch(f -> sameLoop(f.context(), c)));
    return census.start().compose(c -> vertx.deployVerticle(() -> {
      FormatterVerticle f = new FormatterVerticle(services.publisher(), services.metrics());
      formatters.add(f);
      return f;
    }, new DeploymentOptions().setInstances(eventLoopCount()))).compose(id -> {
      deployments.add(id);
      return vertx.deployVerticle(ingest);
    }).compose(id -> {
      ingestDeployment = id;
      services.router().dispatchOn(ingest.context());
      return deployHttp(config.http().port(), config.http().effectiveInstances());
    }).compose(v -> startMetricsServer(config.metrics().port()))
        .map(v -> {
          pollQueue();
          pollTimer = vertx.setPeriodic(config.metrics().pollIntervalMs(), t -> pollQueue());
          if (services.history() instanceof MemoryHistory memory) {
            sweepTimer = vertx.setPeriodic(60_000, t -> memory.sweep());
          }
          LOG.info("node " + services.nodeId() + " serving on " + config.http().host() + ":" + port + " ("
              + config.engine() + " engine, " + config.http().effectiveInstances() + " HTTP event loops of "
              + eventLoopCount() + ", transport " + IoTransport.nameOf(vertx) + ")");
          return null;
        });
  }

  /** Open client sessions across this node's HTTP loops. */
  Future<Integer> connectedClients() {
    List<HttpVerticle> loops;
    synchronized (httpLoops) {
      loops = new ArrayList<>(httpLoops);
    }
    return Future.all(loops.stream().map(HttpVerticle::sessionCount).toList())
        .map(all -> all.<Integer>list().stream().mapToInt(Integer::intValue).sum());
  }

  private static boolean sameLoop(Context a, Context b) {
    return ((ContextInternal) a).nettyEventLoop() == ((ContextInternal) b).nettyEventLoop();
  }

  /** Vert.x's event loops (each deployed instance takes the next one, round-robin). */
  private int eventLoopCount() {
    int n = 0;
    for (Object loop : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      n++;
    }
    return Math.max(1, n);
  }

  /** One verticle per event loop; Vert.x shares the listening socket between them (port 0 included). */
  private Future<Void> deployHttp(int requestedPort, int instances) {
    return vertx.deployVerticle(() -> {
      HttpVerticle loop = new HttpVerticle(services, this, requestedPort);
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

  /** {@code GET /metrics} on a server of its own when {@code metrics.port} is set. */
  private Future<Void> startMetricsServer(int metricsPort) {
    if (metricsPort == 0) {
      return Future.succeededFuture();
    }
    Router router = Router.router(vertx);
    router.get("/metrics").handler(HttpVerticle.scrapeHandler(services));
    metricsServer = vertx.createHttpServer().requestHandler(router);
    return metricsServer.listen(metricsPort, services.config().http().host()).mapEmpty();
  }

  private void pollQueue() {
    services.queue().pendingCount().onSuccess(services.metrics()::queuePending)
        .onFailure(e -> LOG.fine("pending count unavailable: " + e.getMessage()));
    services.queue().lag().onSuccess(services.metrics()::queueLag)
        .onFailure(e -> LOG.fine("queue lag unavailable: " + e.getMessage()));
  }

  /**
   * The meters go into the registry of this Vert.x instance's Micrometer metrics (each instance may have its own
   * registry name, so the default registry is only the second choice); without metrics, into a registry of their
   * own, so nothing depends on whether metrics are enabled.
   */
  private static HeraldMetrics metrics(Vertx vertx) {
    if (vertx instanceof VertxInternal internal && internal.metrics() instanceof MicrometerMetrics micrometer) {
      return new HeraldMetrics(micrometer.registry());
    }
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return registry != null ? new HeraldMetrics(registry) : HeraldMetrics.standalone();
  }

  /** {@code security.adminKeys} plus the hash of the plaintext key from the environment, when set. */
  static List<String> adminKeyHashes(HeraldConfig config, String plaintextKey) {
    List<String> hashes = new ArrayList<>(config.security().adminKeys());
    if (plaintextKey != null && !plaintextKey.isBlank()) {
      hashes.add(KeyHashes.sha256Hex(plaintextKey.trim()));
    }
    return List.copyOf(hashes);
  }

  /**
   * The engine's parts; {@code close} releases what queue and history share (the Redis pool); {@code ping} checks
   * the Redis server (null on the memory engine).
   */
  private record Engine(Queue queue, History history, Supplier<Future<Void>> close, Supplier<Future<Void>> ping) {
  }

  /** Commands waiting for a pooled Redis connection; bursts of commits must queue, not fail. */
  private static final int REDIS_MAX_WAITING = 100_000;

  private static Future<Engine> engine(Vertx vertx, HeraldConfig config, String nodeId) {
    if (!config.redisEngine()) {
      return Future.succeededFuture(new Engine(new MemoryQueue(vertx, System::currentTimeMillis),
          new MemoryHistory(config.history().size(), config.history().ttlSeconds() * 1000,
              config.publish().dedupeWindowMs(), System::currentTimeMillis), Future::succeededFuture, null));
    }
    RedisOptions options = new RedisOptions().setConnectionString(config.redis().url())
        .setMaxPoolSize(config.redis().poolSize()).setMaxPoolWaiting(REDIS_MAX_WAITING);
    Redis pool = Redis.createClient(vertx, options);
    return RedisStreamQueue.create(vertx, pool, options, config.redis(), config.ingest(), nodeId)
        .map(queue -> new Engine(queue, new RedisHistory(pool, config.redis(), config.history(), config.publish()),
            pool::close, () -> pool.send(Request.cmd(Command.PING)).<Void>mapEmpty()))
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
