package dev.herald.transport.websocket;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.Http1xServerConnection;
import java.lang.reflect.Method;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes an accepted {@code /ws} upgrade's channel from Vert.x's HTTP/1.x server and leaves on it only TLS (when
 * used), Netty's frame decoder and Herald's {@link WebSocketConnection}.
 *
 * <p>Why: with a Vert.x {@code ServerWebSocket} an idle connection held 16.1 KB of heap, against 2.5 KB now
 * (measured at 18,000 connections): two outbound message queues whose first chunk is a 1,024-slot array, and the
 * HTTP connection, request and response for the socket's whole life. It also moves every write through a queue. Memory per connection is what limits a push server, so the
 * raw WebSocket transport writes frames to the channel itself. SockJS keeps using Vert.x's WebSocket.
 *
 * <p>When the upgrade went through Vert.x's request handling, its HTTP metrics see it as a {@code 101} answer (as
 * with its own upgrade); one taken before ({@link UpgradeInterceptor}) is not a request to them. Either way the
 * connection's close is reported to them by {@link WebSocketConnection}. Must run on the channel's event loop, once
 * Vert.x has seen the end of the request when it saw the request at all (its metrics count a request in progress
 * until then).
 */
final class ChannelTakeover {

  private static final Logger LOG = Logger.getLogger(ChannelTakeover.class.getName());
  /**
   * Vert.x's HTTP/1.x handlers other than the request decoder and the connection handler. Not "h2c": the first
   * request of a connection is routed from inside that handler, which removes itself once the request returns.
   */
  private static final List<String> HTTP_HANDLERS = List.of("httpEncoder", "inflater", "deflater", "idle",
      "chunkedWriter", "webSocketExtensionHandler", UpgradeInterceptor.NAME);
  private static final Method COMPLETE_HANDSHAKE = completeHandshake();

  private ChannelTakeover() {
  }

  /**
   * Installs {@code handler} in place of Vert.x's connection handler, removes Vert.x's other HTTP handlers and
   * has it send the {@code 101} response. Returns the handler's context, or null when the request is not on an
   * HTTP/1.x connection of this event loop (nothing was changed then). Frames are read once
   * {@link #startReading} is called.
   */
  static ChannelHandlerContext install(HttpServerRequest req, WebSocketConnection handler, byte[] switchingProtocols) {
    if (!(req.connection() instanceof Http1xServerConnection conn)) {
      return null;
    }
    ChannelPipeline pipeline = conn.channelHandlerContext().pipeline();
    if (!pipeline.channel().eventLoop().inEventLoop() || pipeline.get("handler") == null
        || pipeline.get("httpDecoder") == null) {
      return null;
    }
    reportSwitchingProtocols(req.response());
    return install(pipeline, handler, switchingProtocols);
  }

  /**
   * The same for an upgrade Vert.x never saw ({@link UpgradeInterceptor}): there is no request for its metrics to
   * end. Must run on the channel's event loop, with "handler" and "httpDecoder" in {@code pipeline}.
   */
  static ChannelHandlerContext install(ChannelPipeline pipeline, WebSocketConnection handler,
      byte[] switchingProtocols) {
    pipeline.replace("handler", "herald-ws", handler);
    for (String name : HTTP_HANDLERS) {
      if (pipeline.get(name) != null) {
        pipeline.remove(name);
      }
    }
    // Not flushed here: the session's first frames (hello, subscribed) join it in one write.
    handler.switchProtocols(switchingProtocols);
    return pipeline.context(handler);
  }

  /**
   * Puts the frame decoder in place of Vert.x's request decoder. Bytes the client sent right behind its upgrade
   * request are handed on at once, so the handler must be ready for frames.
   */
  static void startReading(ChannelHandlerContext ctx, ChannelHandler decoder) {
    ChannelPipeline pipeline = ctx.pipeline();
    pipeline.replace("httpDecoder", "herald-ws-decoder", decoder);
    // Vert.x may have paused reading while the request was routed.
    pipeline.channel().config().setAutoRead(true);
  }

  /** Lets Vert.x's HTTP metrics end the request with a 101 answer, as its own upgrade does. */
  private static void reportSwitchingProtocols(HttpServerResponse response) {
    if (COMPLETE_HANDSHAKE == null) {
      return;
    }
    try {
      COMPLETE_HANDSHAKE.invoke(response);
    } catch (ReflectiveOperationException | IllegalArgumentException e) {
      LOG.log(Level.FINE, "Vert.x's HTTP metrics do not see this upgrade", e);
    }
  }

  private static Method completeHandshake() {
    try {
      Method m = Class.forName("io.vertx.core.http.impl.Http1xServerResponse").getDeclaredMethod("completeHandshake");
      m.setAccessible(true);
      return m;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warning("Vert.x's HTTP metrics will count /ws upgrades as requests in progress: " + e);
      return null;
    }
  }
}
