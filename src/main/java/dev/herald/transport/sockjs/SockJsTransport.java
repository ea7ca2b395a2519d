package dev.herald.transport.sockjs;

import dev.herald.fanout.ClientSession;
import dev.herald.fanout.CloseReason;
import dev.herald.fanout.ServerFrames;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.metrics.Meters;
import dev.herald.security.Admission;
import dev.herald.transport.SessionFactory;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * SockJS at {@code /rt}: every SockJS transport, carrying the JSON frames of {@code /ws}. Also serves the bundled
 * sockjs-client at {@code /rt-assets/sockjs.min.js} (the iframe page loads it from there, never from a CDN) and
 * closes gaps of vertx-web's SockJS: origin checks on every request, CORS headers on {@code /eventsource},
 * {@code Connection: close} where vertx-web closes the connection after the response, a second concurrent
 * xhr poll answered without reaching vertx-web ({@link HeldPolls}), and a body handler before {@code xhr_send}/{@code jsonp_send}.
 * Like {@code /ws}, a new session is admitted (per-address and per-node limits) when it opens, and
 * {@code ?token=} on the endpoint URL grants private channels. One instance per event loop.
 */
public final class SockJsTransport {

  /** Where the SockJS endpoint is mounted. */
  public static final String PREFIX = "/rt";
  /** The sockjs-client the iframe transports and {@code /herald.js} load. */
  public static final String LIBRARY_URL = "/rt-assets/sockjs.min.js";
  /** Session requests whose response carries frames to the client (the others only send or describe). */
  private static final Pattern RECEIVING =
      Pattern.compile("/[^/.]+/[^/.]+/(xhr|xhr_streaming|jsonp|eventsource|htmlfile)$");
  private static final String GREETING = "Welcome to SockJS!\n";
  private static final String WEBJAR = "META-INF/resources/webjars/sockjs-client/1.6.1/dist";

  private final SessionFactory sessions;
  private final HeldPolls heldPolls;
  private final long closingTimeoutMs;

  /** @param closingTimeoutMs how long a closing websocket session's close frame may wait to leave */
  public SockJsTransport(SessionFactory sessions, Vertx vertx, long closingTimeoutMs) {
    this.sessions = sessions;
    this.heldPolls = new HeldPolls(vertx);
    this.closingTimeoutMs = closingTimeoutMs;
  }

  /** Bytes a SockJS send request may carry: a frame of {@code limits.maxFrameBytes}, escaped and form-encoded. */
  public static int requestLimit(int maxFrameBytes) {
    return maxFrameBytes * 6 + 1024;
  }

  /** Mounts the Herald endpoint at {@link #PREFIX} and the client library. */
  public void mount(Vertx vertx, Router router) {
    router.get("/rt-assets/*").handler(StaticHandler.create(WEBJAR).setCachingEnabled(true));
    mount(vertx, router, PREFIX, options(), this::open);
  }

  /** The SockJS options Herald uses; test services change a few of them. */
  public SockJSHandlerOptions options() {
    return new SockJSHandlerOptions().setHeartbeatInterval(sessions.transport().heartbeatMs())
        .setLibraryURL(LIBRARY_URL).setRegisterWriteHandler(false).setLocalWriteHandler(false);
  }

  /** Mounts one SockJS endpoint at {@code prefix} with the origin, CORS and body fixes. */
  public void mount(Vertx vertx, Router router, String prefix, SockJSHandlerOptions options,
                    io.vertx.core.Handler<SockJSSocket> handler) {
    // The SockJS router answers the greeting at "<prefix>/" only; the protocol wants it at "<prefix>" too.
    router.get(prefix).handler(ctx -> {
      // vertx-web's exact routes also match "<prefix>/" and "<prefix>//"; those stay with the SockJS router.
      if (ctx.request().path().equals(prefix)) {
        ctx.response().putHeader("Content-Type", "text/plain; charset=UTF-8").end(GREETING);
      } else {
        ctx.next();
      }
    });
    router.route(prefix + "/*").handler(this::prepare);
    router.post(prefix + "/*").handler(BodyHandler.create(false).setBodyLimit(requestLimit(sessions.maxFrameBytes())));
    router.route(prefix + "/*").subRouter(SockJSHandler.create(vertx, options).socketHandler(handler));
  }

  private void prepare(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (!sessions.originAllowed(origin)) {
      ctx.response().setStatusCode(403).putHeader("Content-Type", "application/json")
          .end("{\"error\":\"origin not allowed\"}");
      return;
    }
    String path = ctx.request().path();
    if (RECEIVING.matcher(path).find() && ctx.request().method() != HttpMethod.OPTIONS) {
      // vertx-web closes the TCP connection when a polling or streaming response ends, without saying so: a
      // keep-alive client that reuses it for the next request sees it fail or hang.
      ctx.response().putHeader("Connection", "close");
    }
    if (origin != null && path.endsWith("/eventsource")) {
      // vertx-web's eventsource transport sends no CORS headers; the other transports do.
      ctx.response().putHeader("Access-Control-Allow-Origin", origin)
          .putHeader("Access-Control-Allow-Credentials", "true").putHeader("Vary", "Origin");
    }
    heldPolls.admit(ctx, path);
  }

  private void open(SockJSSocket socket) {
    Admission.Result admitted = sessions.admit(socket.remoteAddress(), socket.headers().get("X-Forwarded-For"));
    if (!(admitted instanceof Admission.Ticket ticket)) {
      refuse(socket, admitted);
      return;
    }
    HeraldMetrics.TransportMeters meters = sessions.metrics().transport(Meters.SOCKJS);
    SockJsSubscriber subscriber = new SockJsSubscriber(socket, sessions.maxBufferedBytes(), webSocketChannel(socket),
        closingTimeoutMs, meters);
    ClientSession session = sessions.open(subscriber, tokenParam(socket.uri()));
    subscriber.attach(session);
    meters.opened();
    // Only touched on the socket's context: SockJS calls these handlers there.
    boolean[] ended = {false};
    socket.handler(b -> session.onFrame(b.toString(), b.length()));
    socket.closeHandler(v -> {
      if (!ended[0]) {
        ended[0] = true;
        meters.closed();
      }
      ticket.release();
      session.closed();
    });
    socket.exceptionHandler(e -> {
      ticket.release();
      session.closed();
    });
    session.hello();
  }

  /**
   * The connection of a session on SockJS's websocket transports: Vert.x starts its closing timeout only once the
   * close frame is written, so Herald cuts it itself ({@link SockJsSubscriber#close}). Null for the polling
   * transports, whose requests come and go.
   */
  private static Channel webSocketChannel(SockJSSocket socket) {
    RoutingContext rc = socket.routingContext();
    if (rc == null || !socket.uri().endsWith("/websocket")) {
      return null;
    }
    return rc.request().connection() instanceof Http1xServerConnection c ? c.channelHandlerContext().channel() : null;
  }

  /**
   * Tells a refused client why, as {@code /ws} does: {@code disconnect} ({@code overloaded} with
   * {@code retryAfterMs}, or {@code too_many_connections}), then a close (1013, 1008). The close waits for the frame
   * to be taken: closing a SockJS session drops the frames a polling client has not fetched yet.
   */
  private static void refuse(SockJSSocket socket, Admission.Result refusal) {
    CloseReason reason = refusal instanceof Admission.Overloaded ? CloseReason.OVERLOADED
        : CloseReason.TOO_MANY_CONNECTIONS;
    long retryAfterMs = refusal instanceof Admission.Overloaded o ? o.retryAfterMs() : 0;
    socket.write(ServerFrames.disconnect(reason, retryAfterMs, Map.of()).toString())
        .onComplete(r -> socket.close(reason.webSocketStatus(), reason.reason()));
  }

  /**
   * The {@code token} query parameter of the request that opened the session: sockjs-client keeps the query of
   * the URL it was given on every request. Never logged.
   */
  static String tokenParam(String uri) {
    if (uri == null) {
      return null;
    }
    List<String> values = new QueryStringDecoder(uri).parameters().get("token");
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
