package dev.herald.transport.websocket;

import dev.herald.fanout.ClientSession;
import dev.herald.fanout.CloseReason;
import dev.herald.fanout.ServerFrames;
import dev.herald.security.Admission;
import dev.herald.transport.ChannelTakeover;
import dev.herald.transport.SessionFactory;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * {@code GET /ws}: the raw WebSocket transport. Channels may be given in the URL ({@code ?channels=a:1,b:2}) and
 * with subscribe frames; every frame is JSON text. A connection the node does not admit is still upgraded, then
 * told why in a {@code disconnect} frame ({@code overloaded} with {@code retryAfterMs}, or
 * {@code too_many_connections}) and closed (1013, 1008): browsers cannot read the status of a refused handshake.
 * The upgrade is answered here and the channel leaves Vert.x ({@link ChannelTakeover}): usually before Vert.x
 * made the upgrade a request ({@link UpgradeInterceptor}), else from the router. One instance per event loop.
 */
public final class WebSocketTransport {

  private static final String PATH = "/ws";

  private final SessionFactory sessions;
  private final WebSocketDecoderConfig decoderConfig;
  private final int maxMessageBytes;
  private final long closingTimeoutMs;
  private final BooleanSupplier refusing;

  /**
   * @param maxFrameBytes the largest frame read; larger ones close the connection (1009). Frames between
   *     {@code limits.maxFrameBytes} and this are answered with an error by the session.
   * @param closingTimeoutMs how long a closing connection waits for the client's close frame
   * @param refusing true while the node refuses new connections (draining); such upgrades are left to the router,
   *     which answers them
   */
  public WebSocketTransport(SessionFactory sessions, int maxFrameBytes, long closingTimeoutMs,
      BooleanSupplier refusing) {
    this.sessions = sessions;
    this.decoderConfig = WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(maxFrameBytes)
        .expectMaskedFrames(true).allowExtensions(false).closeOnProtocolViolation(false).build();
    this.maxMessageBytes = maxFrameBytes * 2;
    this.closingTimeoutMs = closingTimeoutMs;
    this.refusing = refusing;
  }

  /**
   * The HTTP server's connection handler: an HTTP/1.x connection's first request is looked at before Vert.x makes
   * it a request ({@link UpgradeInterceptor}). HTTP/2 connections are left alone.
   */
  public void interceptUpgrades(HttpConnection connection) {
    if (connection instanceof Http1xServerConnection conn) {
      ChannelPipeline pipeline = conn.channelHandlerContext().pipeline();
      if (pipeline.get("handler") != null && pipeline.get("httpDecoder") != null
          && pipeline.get(UpgradeInterceptor.NAME) == null) {
        pipeline.addBefore("handler", UpgradeInterceptor.NAME, new UpgradeInterceptor(this, conn));
      }
    }
  }

  /**
   * The handshake of a first request this transport answers before Vert.x sees it, or null when the router is
   * to have it: anything but a plain {@code GET /ws} HTTP/1.1 upgrade without a body that the router would accept
   * (not draining, origin allowed, valid handshake). The router makes the same checks in the same order.
   */
  WebSocketHandshake takeable(HttpRequest req) {
    if (!req.decoderResult().isSuccess() || req instanceof FullHttpRequest
        || req.method() != io.netty.handler.codec.http.HttpMethod.GET
        || !HttpVersion.HTTP_1_1.equals(req.protocolVersion()) || !isPath(req.uri())) {
      return null;
    }
    HttpHeaders headers = req.headers();
    if (!headers.contains(HttpHeaderNames.HOST) || headers.contains(HttpHeaderNames.CONTENT_LENGTH)
        || headers.contains(HttpHeaderNames.TRANSFER_ENCODING) || headers.contains(HttpHeaderNames.EXPECT)
        || refusing.getAsBoolean() || !sessions.originAllowed(headers.get("Origin"))) {
      return null;
    }
    WebSocketHandshake handshake = WebSocketHandshake.of(HttpMethod.GET, headers::get);
    return handshake.accepted() ? handshake : null;
  }

  /** {@code /ws} exactly, with or without a query; other spellings vertx-web may route here stay with it. */
  private static boolean isPath(String uri) {
    return uri.startsWith(PATH) && (uri.length() == PATH.length() || uri.charAt(PATH.length()) == '?');
  }

  /** Answers an upgrade taken by {@link UpgradeInterceptor}, on the connection's Vert.x context. */
  void upgrade(ChannelHandlerContext interceptor, Http1xServerConnection conn, HttpRequest req,
      WebSocketHandshake handshake) {
    ContextInternal context = conn.context();
    context.dispatch(() -> {
      QueryStringDecoder query = new QueryStringDecoder(req.uri(), StandardCharsets.UTF_8, true, 1024, false);
      Admission.Result admitted = sessions.admit(conn.remoteAddress(), req.headers().get("X-Forwarded-For"));
      accept(context, admitted, SessionFactory.channelsParam(param(query, "channels")), param(query, "token"), conn,
          connection -> UpgradeAnswer.install(interceptor.pipeline(), connection, handshake.response()));
    });
  }

  /** The first value of a query parameter, its name matched regardless of case (as Vert.x's request params). */
  private static String param(QueryStringDecoder query, String name) {
    for (Map.Entry<String, List<String>> e : query.parameters().entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }

  /** {@code GET /ws} through the router: requests {@link UpgradeInterceptor} left to Vert.x. */
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (!sessions.originAllowed(req.getHeader("Origin"))) {
      ctx.response().setStatusCode(403).end("{\"error\":\"origin not allowed\"}");
      return;
    }
    WebSocketHandshake handshake = WebSocketHandshake.of(req.method(), req.headers());
    if (!handshake.accepted()) {
      HttpServerResponse resp = ctx.response().setStatusCode(handshake.status());
      if (handshake.status() == 426) {
        resp.putHeader("Sec-WebSocket-Version", "13");
      }
      resp.putHeader("Content-Type", "application/json").end(new JsonObject().put("error", handshake.error()).encode());
      return;
    }
    // The channel leaves Vert.x once Vert.x has read the whole request (the router paused it).
    if (req.isEnded()) {
      upgrade(ctx, handshake);
    } else {
      req.endHandler(v -> upgrade(ctx, handshake));
      req.resume();
    }
  }

  private void upgrade(RoutingContext ctx, WebSocketHandshake handshake) {
    HttpServerRequest req = ctx.request();
    Http1xServerConnection conn = req.connection() instanceof Http1xServerConnection c ? c : null;
    boolean taken = accept((ContextInternal) Vertx.currentContext(), sessions.admit(req),
        SessionFactory.channelsParam(req.getParam("channels")), req.getParam("token"), conn,
        connection -> UpgradeAnswer.install(req, connection, handshake.response()));
    if (!taken) {
      ctx.response().setStatusCode(400).end("{\"error\":\"WebSocket needs an HTTP/1.1 connection\"}");
    }
  }

  /**
   * Opens the session of an upgrade (or tells a refused client why), once {@code takeover} has put the connection
   * on the channel and written the {@code 101}. False when {@code takeover} could not (it returned null): nothing
   * was sent then. {@code conn}: the HTTP/1.x connection whose close Vert.x's metrics are told of, or null.
   */
  private boolean accept(ContextInternal context, Admission.Result admitted, List<String> channels, String token,
      Http1xServerConnection conn, Function<WebSocketConnection, ChannelHandlerContext> takeover) {
    Admission.Ticket ticket = admitted instanceof Admission.Ticket t ? t : null;
    WebSocketConnection connection = new WebSocketConnection(context, sessions.metrics(), ticket, maxMessageBytes,
        closingTimeoutMs, conn);
    ChannelHandlerContext channel = takeover.apply(connection);
    if (channel == null) {
      if (ticket != null) {
        ticket.release();
      }
      return false;
    }
    if (ticket == null) {
      CloseReason reason = admitted instanceof Admission.Overloaded ? CloseReason.OVERLOADED
          : CloseReason.TOO_MANY_CONNECTIONS;
      long retryAfterMs = admitted instanceof Admission.Overloaded o ? o.retryAfterMs() : 0;
      connection.refuse(ServerFrames.disconnect(reason, retryAfterMs, Map.of()), reason);
    } else {
      ClientSession session = sessions.open(connection, token);
      connection.open(session, sessions.unsentBound());
      session.hello();
      if (!channels.isEmpty()) {
        session.subscribe(channels, Map.of(), null);
      }
    }
    // A refused client's frames are read too: its close frame ends the connection before the closing timeout.
    ChannelTakeover.startReading(channel, new WebSocket13FrameDecoder(decoderConfig));
    return true;
  }
}
