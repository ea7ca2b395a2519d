package dev.herald.transport.websocket;

import dev.herald.fanout.ClientSession;
import dev.herald.fanout.CloseReason;
import dev.herald.fanout.ServerFrames;
import dev.herald.security.Admission;
import dev.herald.transport.SessionFactory;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /ws}: the raw WebSocket transport. Channels may be given in the URL ({@code ?channels=a:1,b:2}) and
 * with subscribe frames; every frame is JSON text. A connection the node does not admit is still upgraded, then
 * told why in a {@code disconnect} frame ({@code overloaded} with {@code retryAfterMs}, or
 * {@code too_many_connections}) and closed (1013, 1008): browsers cannot read the status of a refused handshake.
 * The upgrade is answered here and the channel leaves Vert.x ({@link ChannelTakeover}). One instance per event
 * loop.
 */
public final class WebSocketTransport {

  private final SessionFactory sessions;
  private final WebSocketDecoderConfig decoderConfig;
  private final int maxMessageBytes;
  private final long closingTimeoutMs;
  /** Immutable, so shared by every connection: the bound of unsent bytes, resumed below half of it. */
  private final WriteBufferWaterMark unsentBound;

  /**
   * @param maxFrameBytes the largest frame read; larger ones close the connection (1009). Frames between
   *     {@code limits.maxFrameBytes} and this are answered with an error by the session.
   * @param closingTimeoutMs how long a closing connection waits for the client's close frame
   */
  public WebSocketTransport(SessionFactory sessions, int maxFrameBytes, long closingTimeoutMs) {
    this.sessions = sessions;
    this.decoderConfig = WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(maxFrameBytes)
        .expectMaskedFrames(true).allowExtensions(false).closeOnProtocolViolation(false).build();
    this.maxMessageBytes = maxFrameBytes * 2;
    this.closingTimeoutMs = closingTimeoutMs;
    int high = (int) sessions.maxBufferedBytes(); // transport.maxBufferedBytes: an int of at least 1024
    this.unsentBound = new WriteBufferWaterMark(high / 2, high);
  }

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
    List<String> channels = SessionFactory.channelsParam(req.getParam("channels"));
    String token = req.getParam("token");
    Admission.Result admitted = sessions.admit(req);
    Admission.Ticket ticket = admitted instanceof Admission.Ticket t ? t : null;
    WebSocketConnection connection = new WebSocketConnection((ContextInternal) Vertx.currentContext(),
        sessions.metrics(), ticket, maxMessageBytes, closingTimeoutMs, vertxMetrics(req), vertxMetric(req));
    ChannelHandlerContext channel = ChannelTakeover.install(req, connection, handshake.response());
    if (channel == null) {
      if (ticket != null) {
        ticket.release();
      }
      ctx.response().setStatusCode(400).end("{\"error\":\"WebSocket needs an HTTP/1.1 connection\"}");
      return;
    }
    if (ticket == null) {
      CloseReason reason = admitted instanceof Admission.Overloaded ? CloseReason.OVERLOADED
          : CloseReason.TOO_MANY_CONNECTIONS;
      long retryAfterMs = admitted instanceof Admission.Overloaded o ? o.retryAfterMs() : 0;
      connection.refuse(ServerFrames.disconnect(reason, retryAfterMs, Map.of()), reason);
    } else {
      ClientSession session = sessions.open(connection, token);
      connection.open(session, unsentBound);
      session.hello();
      if (!channels.isEmpty()) {
        session.subscribe(channels, Map.of(), null);
      }
    }
    // A refused client's frames are read too: its close frame ends the connection before the closing timeout.
    ChannelTakeover.startReading(channel, new WebSocket13FrameDecoder(decoderConfig));
  }

  @SuppressWarnings("unchecked")
  private static TCPMetrics<Object> vertxMetrics(HttpServerRequest req) {
    return req.connection() instanceof Http1xServerConnection c && c.metrics() instanceof TCPMetrics<?> m
        ? (TCPMetrics<Object>) m : null;
  }

  private static Object vertxMetric(HttpServerRequest req) {
    return req.connection() instanceof Http1xServerConnection c ? c.metric() : null;
  }
}
