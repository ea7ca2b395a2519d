package dev.herald;

import dev.herald.cluster.ClusterBootstrap;
import dev.herald.config.ConfigException;
import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.config.NodeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Entry point of the fat jar: loads and validates the configuration, starts Vert.x (clustered with {@code -cluster})
 * with the native transport and metrics, starts a {@link HeraldNode}, and stops it gracefully on SIGTERM and on
 * {@code POST /admin/drain}: ingest finishes and acknowledges what it holds, clients get {@code disconnect} with a
 * {@code retryAfterMs} spread over {@code shutdown.drainWindowMs}, then the process exits with status 0.
 */
public final class HeraldMain {

  private static final Logger LOG = Logger.getLogger(HeraldMain.class.getName());
  private static final Path DEFAULT_CONF = Path.of("conf", "herald.json");
  private static final long SHUTDOWN_TIMEOUT_S = 60;

  private HeraldMain() {
  }

  public static void main(String[] argv) {
    LaunchArgs args;
    HeraldConfig config;
    Path conf;
    try {
      args = LaunchArgs.parse(argv);
      conf = args.conf() != null ? args.conf() : Files.isRegularFile(DEFAULT_CONF) ? DEFAULT_CONF : null;
      config = ConfigLoader.load(conf);
    } catch (IllegalArgumentException | ConfigException e) {
      System.err.println("herald: " + e.getMessage());
      System.exit(2);
      return;
    }
    LogSetup.configure(config.log(), config.node().id().isEmpty() ? "herald" : config.node().id());
    Vertx vertx;
    HeraldNode node;
    try {
      vertx = startVertx(args, config.node()).await(2, TimeUnit.MINUTES);
      node = HeraldNode.start(vertx, config, conf, System.getenv()).await(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      LOG.severe("herald failed to start: " + e.getMessage());
      System.exit(1);
      return;
    }
    LogSetup.configure(config.log(), node.nodeId());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("stopping: draining clients and in-flight entries");
      node.stop().eventually(vertx::close).onComplete(r -> stopped.countDown());
      try {
        stopped.await(SHUTDOWN_TIMEOUT_S, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "herald-shutdown"));
    // A drain is a planned stop, not a failure: exit 0 rather than the JVM's 143 for SIGTERM. System.exit runs
    // the shutdown hook above; it is called from a thread of its own, never from an event loop the hook needs.
    Runnable exit = () -> new Thread(() -> System.exit(0), "herald-exit").start();
    node.onDrainRequest(exit);
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> exit.run());
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      LOG.warning("cannot handle SIGTERM (" + e.getMessage() + "); it will still drain, with status 143");
    }
  }

  /**
   * Prometheus metrics with the JVM's meters (GC pauses, heap and direct memory, threads, CPU): a push server's
   * latency tail and memory per connection are read from them next to Herald's own.
   */
  public static MicrometerMetricsOptions metricsOptions() {
    return new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
  }

  static Future<Vertx> startVertx(LaunchArgs args, NodeConfig node) {
    String ioTransport = node.ioTransport();
    try {
      IoTransport.Choice io = IoTransport.choose(ioTransport);
      if (io.passedOver() != null) {
        LOG.info("I/O transport " + io.name() + " (" + io.passedOver() + ")");
      }
      try {
        return startVertx(args, io, node.effectiveEventLoops());
      } catch (RuntimeException e) {
        // io_uring can be there and still fail to set up its rings (an old kernel's locked-memory limit): auto
        // then falls back rather than leaving the node down.
        if (!NodeConfig.AUTO.equals(ioTransport) || !NodeConfig.IO_URING.equals(io.name())) {
          throw e;
        }
        IoTransport.Choice next = IoTransport.withoutIoUring(e);
        LOG.warning("I/O transport " + next.name() + " (" + next.passedOver() + ")");
        return startVertx(args, next, node.effectiveEventLoops());
      }
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  private static Future<Vertx> startVertx(LaunchArgs args, IoTransport.Choice io, int eventLoops) throws Exception {
    VertxOptions options = new VertxOptions().setMetricsOptions(metricsOptions()).setEventLoopPoolSize(eventLoops);
    if (!args.cluster()) {
      return Future.succeededFuture(Vertx.builder().with(options).withTransport(io.transport()).build());
    }
    ClusterBootstrap.eventBus(options, args.clusterHost(), args.clusterBusPort(), args.clusterPublicHost(),
        args.clusterPublicBusPort());
    var manager = ClusterBootstrap.manager(ClusterBootstrap.hazelcastConfig(args.clusterConfig()),
        args.clusterHost(), args.clusterPort(), args.clusterPublicHost(), args.clusterPublicPort());
    return Vertx.builder().with(options).withTransport(io.transport()).withClusterManager(manager)
        .buildClustered().onSuccess(v -> ClusterBootstrap.logMembership(manager));
  }
}
