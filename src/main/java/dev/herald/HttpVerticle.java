package dev.herald;

import dev.herald.api.AdminApi;
import dev.herald.cluster.SubscriberCensus;
import dev.herald.api.DemoApi;
import dev.herald.api.PublishApi;
import dev.herald.api.Responses;
import dev.herald.config.HeraldConfig;
import dev.herald.fanout.ClientSession;
import dev.herald.fanout.CloseReason;
import dev.herald.fanout.Hub;
import dev.herald.ingest.EntryParser;
import dev.herald.message.Channel;
import dev.herald.transport.FlushBatch;
import dev.herald.transport.SessionFactory;
import dev.herald.transport.longpoll.LongPollTransport;
import dev.herald.transport.sockjs.SockJsTestServices;
import dev.herald.transport.sockjs.SockJsTransport;
import dev.herald.transport.sse.SseTransport;
import dev.herald.transport.websocket.WebSocketTransport;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * One HTTP event loop: the public routes (transports, producer API, admin API, health, metrics unless they have a
 * port of their own) and this loop's {@link Hub}.
 * Deployed once per configured instance; all instances share the listening port.
 */
final class HttpVerticle extends VerticleBase {

  /** How long a closing connection's last bytes (a close frame, the end of an SSE stream) may wait to leave. */
  private static final int CLOSING_TIMEOUT_S = 2;

  /** Classpath folder of the JS client and the demo page. */
  private static final String WEBROOT = "webroot";

  private final NodeServices services;
  private final HeraldNode node;
  private final int port;
  private final Supplier<Future<Integer>> connectedClients;
  private Hub hub;
  private HttpServer server;

  HttpVerticle(NodeServices services, HeraldNode node, int port) {
    this.services = services;
    this.node = node;
    this.port = port;
    this.connectedClients = node::connectedClients;
  }

  @Override
  public Future<?> start() {
    HeraldConfig config = services.config();
    FlushBatch.chunkOnThisLoop(config.transport().flushChunk());
    hub = new Hub(vertx, context, services.router(), config.transport(), System::currentTimeMillis,
        services.metrics());
    LiveSettings live = services.live();
    SessionFactory sessions = new SessionFactory(hub, services.history(), services.policy(),
        () -> live.current().http(), () -> live.current().limits(), config.transport(), services.nodeId(),
        live.admission());
    Router router = Router.router(vertx);
    // Herald answers oversize frames itself, so the WebSocket frame caps sit above limits.maxFrameBytes.
    int frameCap = Math.max(config.limits().maxFrameBytes() * 2, 65_536);
    WebSocketTransport ws = new WebSocketTransport(sessions, frameCap, CLOSING_TIMEOUT_S * 1000L,
        node::draining);
    router.route("/ws").handler(this::refuseWhileDraining);
    router.route("/sse").handler(this::refuseWhileDraining);
    router.route("/poll").handler(this::refuseWhileDraining);
    router.route("/rt/*").handler(this::refuseWhileDraining);
    router.get("/ws").handler(ws::handle);
    router.get("/sse").handler(new SseTransport(sessions, CLOSING_TIMEOUT_S * 1000L)::handle);
    router.get("/poll").handler(new LongPollTransport(sessions)::handle);
    SockJsTransport sockJs = new SockJsTransport(sessions, vertx, CLOSING_TIMEOUT_S * 1000L);
    sockJs.mount(vertx, router);
    if (config.sockjs().conformance()) {
      SockJsTestServices.mount(vertx, router, sockJs);
    }

    PublishApi api = new PublishApi(services.queue(), new EntryParser(config.limits().maxFrameBytes()),
        () -> live.current().publisherKeys());
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.limits().maxFrameBytes());
    // The key is checked before the body is read: an unauthenticated client cannot make the node buffer it.
    router.post("/api/posts").handler(api::authenticate);
    router.post("/api/publish").handler(api::authenticate);
    router.post("/api/*").handler(body);
    router.post("/api/posts").handler(api::posts);
    router.post("/api/publish").handler(api::publish);
    // The JS client is part of the public contract, not of the demo.
    router.get("/herald.js").handler(ctx -> sendResource(ctx, WEBROOT + "/herald.js", "text/javascript"));
    if (config.demo().enabled()) {
      DemoApi demo = new DemoApi(api, connectedClients);
      router.post("/demo/post").handler(body).handler(demo::post);
      router.get("/demo/stats").handler(demo::stats);
      router.get("/").handler(ctx -> sendResource(ctx, WEBROOT + "/demo/index.html", "text/html"));
    }
    router.get("/health/live").handler(ctx -> Responses.json(ctx, 200, new JsonObject().put("status", "up")));
    router.get("/health/ready").handler(ctx -> services.readiness().check()
        .onSuccess(r -> Responses.json(ctx, r.getBoolean("ready") ? 200 : 503, r)));
    if (config.metrics().port() == 0) {
      router.get("/metrics").handler(scrapeHandler(services));
    }
    router.delete("/admin/*").handler(body);
    router.post("/admin/*").handler(body);
    new AdminApi(services.queue(), services.history(), new AdminApi.Node() {
      @Override
      public Future<SubscriberCensus.Count> subscribers(Channel channel) {
        return node.census().count(channel);
      }

      @Override
      public void requestDrain() {
        node.requestDrain();
      }
    }, () -> live.current().adminKeyHashes()).mount(router);
    router.route().failureHandler(ctx -> {
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      String error = status == 413 ? "request body larger than " + config.limits().maxFrameBytes() + " bytes"
          : status == 500 ? "internal error" : "request failed";
      Responses.error(ctx, status, error, null);
    });

    HttpServerOptions options = new HttpServerOptions().setHost(config.http().host()).setPort(port)
        // SockJS's WebSocket transport still uses Vert.x's WebSocket, with the same caps as /ws.
        .setMaxWebSocketFrameSize(frameCap).setMaxWebSocketMessageSize(frameCap * 2)
        // One zlib context per socket costs far more memory than the bandwidth it saves for small frames.
        .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
        // A peer that does not answer our close frame is dropped after this many seconds (Vert.x: 10).
        .setWebSocketClosingTimeout(CLOSING_TIMEOUT_S)
        // jsonp_send carries a frame as a form attribute, escaped and URL-encoded.
        .setMaxFormAttributeSize(SockJsTransport.requestLimit(config.limits().maxFrameBytes()))
        .setTcpNoDelay(true).setReuseAddress(true).setReusePort(true)
        // Every request and response of a connection is handled on this verticle's loop (hubs, sessions and the
        // engines' callbacks run there), so Vert.x may write without its cross-thread queue: without this, each
        // connection allocated a 4 KB queue array, a fifth of a WebSocket's garbage at connect (BENCHMARKS.md,
        // "One outbound queue less per connection"). Vert.x throws if a response is written from another thread.
        .setStrictThreadMode(true);
    if (config.http().tls().enabled()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setKeyPath(config.http().tls().keyPath())
          .setCertPath(config.http().tls().certPath()));
    }
    // Most /ws upgrades are answered before they reach the router (see WebSocketTransport.interceptUpgrades).
    server = vertx.createHttpServer(options).requestHandler(router).connectionHandler(ws::interceptUpgrades);
    return server.listen();
  }

  /** {@code GET /metrics} in the Prometheus text format, from the registry the node's meters live in. */
  static Handler<RoutingContext> scrapeHandler(NodeServices services) {
    return services.metrics().registry() instanceof PrometheusMeterRegistry prometheus
        ? PrometheusScrapingHandler.create(prometheus) : PrometheusScrapingHandler.create();
  }

  /** Local subscribers of {@code channel} on this loop, counted on the loop that owns them. */
  Future<Integer> subscriberCount(Channel channel) {
    Promise<Integer> count = Promise.promise();
    context.runOnContext(x -> count.complete(hub.subscriberCount(channel)));
    return count.future();
  }

  /** New client connections go to another node while this one drains. */
  private void refuseWhileDraining(RoutingContext ctx) {
    if (node.draining()) {
      Responses.error(ctx, 503, "node is draining, connect to another one", null);
    } else {
      ctx.next();
    }
  }

  /** The port this loop's server is bound to. */
  int actualPort() {
    return server.actualPort();
  }

  /** A file of the classpath (Vert.x resolves it inside the jar), e.g. the JS client. */
  private static void sendResource(RoutingContext ctx, String path, String type) {
    ctx.response().putHeader("Content-Type", type + "; charset=utf-8").putHeader("Cache-Control", "no-cache")
        .sendFile(path).onFailure(e -> ctx.fail(404));
  }

  /** Open sessions of this loop, counted on its event loop. */
  Future<Integer> sessionCount() {
    Promise<Integer> count = Promise.promise();
    context.runOnContext(x -> count.complete(hub.sessionCount()));
    return count.future();
  }

  /** Sends every session of this loop {@code disconnect} with a retry delay spread over the window, then closes. */
  Future<Void> disconnectAll(CloseReason reason, long windowMs) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(x -> {
      for (ClientSession s : hub.sessions()) {
        s.disconnect(reason, windowMs <= 0 ? 0 : ThreadLocalRandom.current().nextLong(windowMs));
      }
      done.complete();
    });
    return done.future();
  }

  /** The highest peak of unsent bytes among this loop's open sessions. */
  Future<Long> peakBufferedBytes() {
    Promise<Long> peak = Promise.promise();
    context.runOnContext(x -> peak.complete(
        hub.sessions().stream().mapToLong(ClientSession::peakBufferedBytes).max().orElse(0)));
    return peak.future();
  }

  @Override
  public Future<?> stop() {
    hub.stop();
    return server.close();
  }
}
