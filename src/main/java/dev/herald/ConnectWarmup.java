package dev.herald;

import dev.herald.config.HttpConfig;
import dev.herald.config.LimitsConfig;
import dev.herald.wsclient.LeanWebSocket;
import io.netty.channel.EventLoop;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Opens {@code node.warmupConnections} WebSockets to the node's own listener at start, each subscribing to a
 * channel and closing once subscribed, so that the connection path is compiled before a reconnect storm meets it.
 * A fresh JVM runs that path interpreted and compiles it while clients wait: a fresh node's first 18,000 connections
 * came at 3,194–4,673/s without the warm-up and 4,728–6,355/s after it (six alternated pairs on the 2-core benchmark
 * VM, counted from readiness; BENCHMARKS.md, "A node that warms up").
 *
 * <p>Why real sockets to the node's own port: the path to warm goes through the I/O transport, Vert.x's HTTP server,
 * the handshake, the session and the hub, and only a real connection takes all of them. The warm-up uses the public
 * contract only ({@code /ws?channels=}, no {@code Origin}), so it goes through admission like any client: it keeps to
 * half of {@code limits.newConnectionsPerSecond} and of {@code limits.maxConnectionsPerIp} (one at a time under a limit
 * of 1), so the other half stays for clients that arrive meanwhile. Once other clients opened at least
 * {@value #OTHER_CLIENTS} connections it stops: they warm the path themselves, and it would only compete with them (a
 * node that meets its clients before a load balancer waits for readiness). The connections are the node's own bare
 * Netty client's ({@link LeanWebSocket}), whose writes carry the same promise type as the node's deliveries: after a
 * warm-up through Vert.x's {@code WebSocketClient} in its JVM a node spent a fifth more CPU per fan-out delivery for as
 * long as it was measured, on the bare client with the void promise 6 % more on the means of nine pairs and 22 % on
 * those of seven later ones, the cause not found (BENCHMARKS.md, "A warm-up without Vert.x's client", "The start-up
 * warm-up's cost looked into"). A connection refused or failed counts and is not retried; no connection is kept
 * longer than {@value #TIMEOUT_MS} ms; the warm-up never fails the node.
 */
final class ConnectWarmup {

  private static final Logger LOG = Logger.getLogger(ConnectWarmup.class.getName());
  /** A namespace of its own: public unless configured private, and apart from any channel a site uses. */
  static final String NAMESPACE = "herald-warmup";
  /** Several channels, so the hub's first-subscriber and later-subscriber paths both run. */
  static final int CHANNELS = 16;
  /** Connections open at once: 2 file descriptors each in this process. */
  static final int IN_FLIGHT = 256;
  /** Connections of other clients that end the warm-up. */
  static final int OTHER_CLIENTS = 64;
  private static final long TICK_MS = 100;
  static final int TIMEOUT_MS = 10_000;

  /**
   * What a warm-up did: connections subscribed, refused (or ended early) and failed to connect, and its duration;
   * {@code stoppedEarly} when a drain or other clients ended it before every connection was tried.
   */
  record Result(int subscribed, int refused, int failed, long millis, boolean stoppedEarly) {
  }

  private final Vertx vertx;
  private final ContextInternal context;
  private final LongSupplier connectionsOpened;
  private final String host;
  private final int port;
  private final boolean tls;
  private final int requested;
  private final int inFlightLimit;
  /** How long a connection may wait for {@code subscribed} after its handshake. */
  private final int timeoutMs;
  /** Connections each tick may start: half the node's new-connection budget, fractions carried to the next tick. */
  private final double perTick;
  private final Promise<Result> done = Promise.promise();
  private int subscribed;
  private int refused;
  private int failed;
  private String firstProblem;
  private String stoppedBy;
  /** The connections to start: {@code requested}, or fewer once stopped. */
  private int total;
  private int started;
  private int inFlight;
  private double credit;
  /** The node's connections opened when the warm-up began. */
  private long openedBefore;
  private long startedAt;
  private long timer = -1;

  private ConnectWarmup(Vertx vertx, ContextInternal context, HttpConfig http, int port, LimitsConfig limits,
                        int total, LongSupplier connectionsOpened, int timeoutMs) {
    this.vertx = vertx;
    this.context = context;
    this.connectionsOpened = connectionsOpened;
    this.host = loopbackFor(http.host());
    this.port = port;
    this.tls = http.tls().enabled();
    this.requested = total;
    this.total = total;
    int perIp = limits.maxConnectionsPerIp();
    this.inFlightLimit = perIp > 0 ? Math.max(1, Math.min(IN_FLIGHT, perIp / 2)) : IN_FLIGHT;
    this.perTick = limits.newConnectionsPerSecond() / 2.0 * TICK_MS / 1000;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Starts the warm-up on a context of its own (its counters are touched on that thread only); {@link #done()}
   * completes, never failing, when every connection has subscribed, been refused or failed, or the warm-up was
   * stopped. {@code connectionsOpened} counts the client connections the node opened since it started, the
   * warm-up's included.
   */
  static ConnectWarmup start(Vertx vertx, HttpConfig http, int port, LimitsConfig limits, int total,
                             LongSupplier connectionsOpened) {
    return start(vertx, http, port, limits, total, connectionsOpened, TIMEOUT_MS);
  }

  /**
   * {@link #start}, cutting a connection not subscribed within {@code timeoutMs} of its handshake instead of
   * {@value #TIMEOUT_MS} (connect and handshake keep theirs).
   */
  static ConnectWarmup start(Vertx vertx, HttpConfig http, int port, LimitsConfig limits, int total,
                             LongSupplier connectionsOpened, int timeoutMs) {
    ContextInternal context = ((VertxInternal) vertx).createEventLoopContext();
    ConnectWarmup warmup = new ConnectWarmup(vertx, context, http, port, limits, total, connectionsOpened, timeoutMs);
    if (total <= 0) {
      // Done before start returns: readiness must not report a warm-up that never runs.
      warmup.done.complete(new Result(0, 0, 0, 0, false));
    } else {
      context.runOnContext(v -> warmup.begin());
    }
    return warmup;
  }

  Future<Result> done() {
    return done.future();
  }

  /** Starts no more connections (the node is draining); those open finish as they would. */
  void stop() {
    context.runOnContext(v -> stop("the node drains"));
  }

  private void stop(String why) {
    if (stoppedBy == null && started < total) {
      stoppedBy = why;
      total = started;
    }
    if (inFlight == 0) {
      finish();
    }
  }

  private void begin() {
    startedAt = System.nanoTime();
    openedBefore = connectionsOpened.getAsLong();
    tick();
    timer = vertx.setPeriodic(TICK_MS, t -> tick());
  }

  private void tick() {
    // Each connection the warm-up started opened at most one, so the rest are other clients' (at least).
    long others = connectionsOpened.getAsLong() - openedBefore - started;
    if (others >= OTHER_CLIENTS) {
      stop(others + " connections of other clients opened");
      return;
    }
    credit = Math.min(credit + perTick, Math.max(1, perTick));
    startMore();
  }

  private void startMore() {
    while (credit >= 1 && inFlight < inFlightLimit && started < total) {
      credit--;
      open(started++);
    }
  }

  private void open(int index) {
    inFlight++;
    String uri = "/ws?channels=" + NAMESPACE + ":c" + (index % CHANNELS);
    // No Origin: a node that lists its sites' origins in http.allowedOrigins would refuse its own.
    EventLoop loop = context.nettyEventLoop();
    Future<LeanWebSocket> connecting;
    try {
      connecting = LeanWebSocket.connect((VertxInternal) vertx, loop, null, host, port, uri, tls, TIMEOUT_MS);
    } catch (RuntimeException e) {
      connecting = Future.failedFuture(e);
    }
    connecting.onComplete(r -> {
      if (r.failed()) {
        failed++;
        noteProblem(r.cause().getMessage() != null ? r.cause().getMessage() : r.cause().toString());
        finished();
        return;
      }
      LeanWebSocket ws = r.result();
      boolean[] counted = new boolean[1];
      // Heartbeats keep an idle connection alive, so a subscription that never comes is cut by time.
      ScheduledFuture<?> deadline = loop.schedule(() -> {
        ws.close();
      }, timeoutMs, TimeUnit.MILLISECONDS);
      ws.exceptionHandler(e -> noteProblem(e.toString()));
      ws.handler((b, from, to) -> {
        String text = b.getString(from, to);
        String op = opOf(text);
        if (counted[0] || "hello".equals(op)) {
          return;
        }
        counted[0] = true;
        if ("subscribed".equals(op)) {
          subscribed++;
        } else {
          refused++;
          noteProblem(text);
        }
        ws.close();
      });
      ws.closeHandler(() -> {
        deadline.cancel(false);
        if (!counted[0]) {
          counted[0] = true;
          refused++;
          noteProblem("closed before subscribing");
        }
        finished();
      });
    });
  }

  private static String opOf(String frame) {
    try {
      return new JsonObject(frame).getString("op");
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void noteProblem(String problem) {
    if (firstProblem == null) {
      firstProblem = problem;
    }
  }

  private void finished() {
    inFlight--;
    if (started < total) {
      startMore();
    } else if (inFlight == 0) {
      finish();
    }
  }

  private void finish() {
    if (done.future().isComplete()) {
      return;
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    Result result = new Result(subscribed, refused, failed, (System.nanoTime() - startedAt) / 1_000_000,
        stoppedBy != null);
    // Logged before readiness turns up, so whoever waits for readiness finds the line.
    String line = "warm-up: " + subscribed + " of " + requested + " connections subscribed and closed in "
        + result.millis() + " ms" + (stoppedBy == null ? "" : "; stopped early: " + stoppedBy);
    if (refused + failed == 0) {
      LOG.info(line);
    } else {
      LOG.warning(line + "; " + refused + " refused or ended early, " + failed + " failed to connect; first: "
          + firstProblem);
    }
    done.complete(result);
  }

  /** The address to reach a listener bound to {@code host}: loopback of its family for a wildcard address. */
  static String loopbackFor(String host) {
    String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (literal.isEmpty() || NetUtil.isValidIpV4Address(literal) && "0.0.0.0".equals(literal)) {
      return "127.0.0.1";
    }
    if (NetUtil.isValidIpV6Address(literal)) {
      byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
      boolean wildcard = bytes != null && Arrays.equals(bytes, new byte[16]);
      return wildcard ? "::1" : literal;
    }
    return host;
  }
}
