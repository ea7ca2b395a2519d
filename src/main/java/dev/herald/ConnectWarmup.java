package dev.herald;

import dev.herald.config.HttpConfig;
import dev.herald.config.LimitsConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Opens {@code node.warmupConnections} WebSockets to the node's own listener at start, each subscribing to a
 * channel and closing once subscribed, so that the connection path is compiled before a reconnect storm meets it.
 * A fresh JVM runs that path interpreted and compiles it while clients wait: on two cores a fresh node connected
 * 18,000 clients at about half the rate of the same node a few runs later (BENCHMARKS.md, "A node that warms up").
 *
 * <p>Why real sockets to the node's own port: the path to warm goes through the I/O transport, Vert.x's HTTP
 * server, the handshake, the session and the hub, and only a real connection takes all of them. The warm-up uses
 * the public contract only ({@code /ws?channels=}), so it goes through admission like any client: it keeps to half
 * of {@code limits.newConnectionsPerSecond} and to {@code limits.maxConnectionsPerIp} open at once, and the other
 * half of the budget stays for clients that arrive meanwhile. A connection refused or failed counts and is not
 * retried; the warm-up never fails the node.
 */
final class ConnectWarmup {

  private static final Logger LOG = Logger.getLogger(ConnectWarmup.class.getName());
  /** A namespace of its own: public unless configured private, and apart from any channel a site uses. */
  static final String NAMESPACE = "herald-warmup";
  /** Several channels, so the hub's first-subscriber and later-subscriber paths both run. */
  static final int CHANNELS = 16;
  /** Connections open at once: 2 file descriptors each in this process. */
  static final int IN_FLIGHT = 256;
  private static final long TICK_MS = 100;
  private static final int TIMEOUT_MS = 10_000;

  /** What a warm-up did: connections subscribed, refused or failed, and its duration. */
  record Result(int subscribed, int refused, int failed, long millis) {
  }

  private final Vertx vertx;
  private final ContextInternal context;
  private final String host;
  private final int port;
  private final boolean tls;
  private final int requested;
  private final int inFlightLimit;
  private final int perTick;
  private final Promise<Result> done = Promise.promise();
  private WebSocketClient client;
  private int subscribed;
  private int refused;
  private int failed;
  /** The connections to start: {@code requested}, or fewer once stopped. */
  private int total;
  private int started;
  private int inFlight;
  /** Connections the current tick may still start. */
  private int allowance;
  private long startedAt;
  private long timer = -1;

  private ConnectWarmup(Vertx vertx, ContextInternal context, HttpConfig http, int port, LimitsConfig limits,
                        int total) {
    this.vertx = vertx;
    this.context = context;
    this.host = loopbackFor(http.host());
    this.port = port;
    this.tls = http.tls().enabled();
    this.requested = total;
    this.total = total;
    int perIp = limits.maxConnectionsPerIp();
    this.inFlightLimit = perIp > 0 ? Math.min(IN_FLIGHT, perIp) : IN_FLIGHT;
    this.perTick = Math.max(1, (int) (limits.newConnectionsPerSecond() / 2L * TICK_MS / 1000));
  }

  /**
   * Starts the warm-up on a context of its own (its counters are touched on that thread only); {@link #done()}
   * completes, never failing, when every connection has subscribed, been refused or failed.
   */
  static ConnectWarmup start(Vertx vertx, HttpConfig http, int port, LimitsConfig limits, int total) {
    ContextInternal context = ((VertxInternal) vertx).createEventLoopContext();
    ConnectWarmup warmup = new ConnectWarmup(vertx, context, http, port, limits, total);
    context.runOnContext(v -> warmup.begin());
    return warmup;
  }

  Future<Result> done() {
    return done.future();
  }

  /** Starts no more connections (the node is draining); those open finish as they would. */
  void stop() {
    context.runOnContext(v -> {
      total = started;
      finishIfIdle();
    });
  }

  private void begin() {
    startedAt = System.nanoTime();
    if (total <= 0) {
      finishIfIdle();
      return;
    }
    // A connection silent for that long is closed (and counted refused), so a stuck one cannot hold readiness.
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(inFlightLimit)
        .setConnectTimeout(TIMEOUT_MS).setIdleTimeout(TIMEOUT_MS).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setTcpNoDelay(true).setSsl(tls).setTrustAll(tls).setVerifyHost(false));
    tick();
    timer = vertx.setPeriodic(TICK_MS, t -> tick());
  }

  private void tick() {
    allowance = perTick;
    startMore();
  }

  private void startMore() {
    while (allowance > 0 && inFlight < inFlightLimit && started < total) {
      allowance--;
      open(started++);
    }
  }

  private void open(int index) {
    inFlight++;
    String uri = "/ws?channels=" + NAMESPACE + ":c" + (index % CHANNELS);
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host).setPort(port).setURI(uri)
        .setSsl(tls).setTimeout(TIMEOUT_MS);
    client.connect(options).onComplete(r -> {
      if (r.failed()) {
        failed++;
        finished();
        return;
      }
      WebSocket ws = r.result();
      boolean[] counted = new boolean[1];
      ws.textMessageHandler(text -> {
        if (counted[0]) {
          return;
        }
        // hello comes first; subscribed, an error or a disconnect ends the warm-up connection.
        if (text.contains("\"op\":\"subscribed\"")) {
          counted[0] = true;
          subscribed++;
          ws.close();
        } else if (!text.contains("\"op\":\"hello\"")) {
          counted[0] = true;
          refused++;
          ws.close();
        }
      });
      ws.closeHandler(v -> {
        if (!counted[0]) {
          counted[0] = true;
          refused++;
        }
        finished();
      });
    });
  }

  private void finished() {
    inFlight--;
    if (started < total) {
      startMore();
    } else {
      finishIfIdle();
    }
  }

  private void finishIfIdle() {
    if (inFlight == 0 && !done.future().isComplete()) {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      if (client != null) {
        client.close();
      }
      Result result = new Result(subscribed, refused, failed, (System.nanoTime() - startedAt) / 1_000_000);
      // Logged before readiness turns up, so whoever waits for readiness finds the line.
      if (requested > 0) {
        LOG.info("warm-up: " + result.subscribed() + " of " + requested + " connections subscribed and closed in "
            + result.millis() + " ms" + (result.refused() + result.failed() == 0 ? ""
            : " (" + result.refused() + " refused or ended early, " + result.failed() + " failed to connect)"));
      }
      done.complete(result);
    }
  }

  /** The address to reach a listener bound to {@code host}: loopback for the wildcard addresses. */
  static String loopbackFor(String host) {
    return switch (host) {
      case "0.0.0.0", "" -> "127.0.0.1";
      case "::", "[::]", "::0" -> "::1";
      default -> host;
    };
  }
}
