package dev.herald.transport.websocket;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.impl.Http1xServerConnection;

/**
 * Sits between Vert.x's request decoder and its HTTP/1.x connection handler for the first request of a connection
 * only. When that request is a {@code /ws} upgrade {@link WebSocketTransport} would accept, it is answered here and
 * never becomes a Vert.x request: no request and response objects, no router, no per-request metrics. Anything
 * else, including a refused upgrade, is handed to Vert.x unchanged and answered by the router as before, so every
 * refusal keeps its status and body. The handler leaves the pipeline after the first request either way: a
 * {@code /ws} request behind another one on a keep-alive connection goes through the router (Vert.x keeps pipelined
 * requests in order).
 *
 * <p>Why: a WebSocket client opens a connection for its upgrade, so this is where the connect rate is spent; the
 * request's trip through Vert.x and vertx-web cost more CPU than the session it opens. Only touched on the
 * channel's event loop.
 */
final class UpgradeInterceptor extends ChannelInboundHandlerAdapter {

  static final String NAME = "herald-ws-upgrade";

  private final WebSocketTransport transport;
  private final Http1xServerConnection connection;
  /** The upgrade request taken from Vert.x, until the decoder reports its end. */
  private HttpRequest held;
  private WebSocketHandshake handshake;

  UpgradeInterceptor(WebSocketTransport transport, Http1xServerConnection connection) {
    this.transport = transport;
    this.connection = connection;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (held == null) {
      if (msg instanceof HttpRequest request) {
        handshake = transport.takeable(request);
        if (handshake != null) {
          held = request;
          return;
        }
      }
      handOver(ctx, msg);
      return;
    }
    // takeable() only takes requests without a body: the decoder's next message is their empty end.
    if (msg instanceof LastHttpContent end && end.decoderResult().isSuccess() && !end.content().isReadable()) {
      end.release();
      transport.upgrade(ctx, connection, held, handshake);
      return;
    }
    HttpRequest request = held;
    held = null;
    ctx.fireChannelRead(request);
    handOver(ctx, msg);
  }

  /** Vert.x reads {@code msg} and everything after it; this handler is done. */
  private void handOver(ChannelHandlerContext ctx, Object msg) {
    ctx.pipeline().remove(this);
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // A client gone between its request and the request's end: Vert.x never saw the request, only the close.
    held = null;
    ctx.fireChannelInactive();
  }
}
