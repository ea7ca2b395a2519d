package dev.herald.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xServerConnection;
import java.util.List;

/**
 * Takes an HTTP/1.x connection's channel from Vert.x for a long-lived stream ({@code /ws} upgrades, SSE) and
 * leaves on it only TLS (when used), the transport's decoder and its {@link ChannelConnection}.
 *
 * <p>Why: with a Vert.x {@code ServerWebSocket} an idle connection held 16.1 KB of heap, against 2.5 KB now
 * (measured at 18,000 connections): two outbound message queues whose first chunk is a 1,024-slot array, and the
 * HTTP connection, request and response for the socket's whole life. Every write also went through Vert.x's
 * response or WebSocket, a future and a flush each (an SSE event cost ~3.9 µs of Java there, measured). Memory
 * per connection and CPU per delivery are what limit a push server, so these transports write to the channel
 * themselves. Must run on the channel's event loop, once Vert.x has seen the end of the request when it saw the
 * request at all (its metrics count a request in progress until then).
 */
public final class ChannelTakeover {

  /**
   * Vert.x's HTTP/1.x handlers other than the request decoder and the connection handler. Not "h2c": the first
   * request of a connection is routed from inside that handler, which removes itself once the request returns.
   */
  private static final List<String> HTTP_HANDLERS = List.of("httpEncoder", "inflater", "deflater", "idle",
      "chunkedWriter", "webSocketExtensionHandler");

  private ChannelTakeover() {
  }

  /**
   * The pipeline of the HTTP/1.x connection {@code req} came on, or null when it cannot be taken: HTTP/2, or not
   * called on the connection's event loop.
   */
  public static ChannelPipeline pipelineOf(HttpServerRequest req) {
    if (!(req.connection() instanceof Http1xServerConnection conn)) {
      return null;
    }
    ChannelPipeline pipeline = conn.channelHandlerContext().pipeline();
    if (!pipeline.channel().eventLoop().inEventLoop() || pipeline.get("handler") == null
        || pipeline.get("httpDecoder") == null) {
      return null;
    }
    return pipeline;
  }

  /**
   * Installs {@code handler} in place of Vert.x's connection handler and removes Vert.x's other HTTP handlers.
   * Must run on the channel's event loop, with "handler" and "httpDecoder" in {@code pipeline}. Returns the
   * handler's context; nothing is read until {@link #startReading} is called.
   */
  public static ChannelHandlerContext install(ChannelPipeline pipeline, ChannelConnection handler) {
    pipeline.replace("handler", "herald-connection", handler);
    for (String name : HTTP_HANDLERS) {
      if (pipeline.get(name) != null) {
        pipeline.remove(name);
      }
    }
    return pipeline.context(handler);
  }

  /**
   * Puts {@code decoder} in place of Vert.x's request decoder, or only removes it when {@code decoder} is null
   * (the connection then reads raw bytes). Bytes the client sent right behind its request are handed on at once,
   * so the handler must be ready for them.
   */
  public static void startReading(ChannelHandlerContext ctx, ChannelHandler decoder) {
    ChannelPipeline pipeline = ctx.pipeline();
    if (decoder == null) {
      pipeline.remove("httpDecoder");
    } else {
      pipeline.replace("httpDecoder", "herald-decoder", decoder);
    }
    // Vert.x may have paused reading while the request was routed.
    pipeline.channel().config().setAutoRead(true);
  }
}
