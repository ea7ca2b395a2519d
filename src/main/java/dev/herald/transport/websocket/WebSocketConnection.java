package dev.herald.transport.websocket;

import dev.herald.fanout.ClientSession;
import dev.herald.fanout.CloseReason;
import dev.herald.fanout.ErrorCode;
import dev.herald.message.ChannelMessage;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.metrics.Meters;
import dev.herald.security.Admission;
import dev.herald.transport.ChannelConnection;
import dev.herald.transport.ChannelTakeover;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.internal.ContextInternal;
import java.nio.charset.StandardCharsets;

/**
 * One raw WebSocket client on a channel taken from Vert.x ({@link ChannelTakeover}): reads the frames Netty's
 * decoder produces, and writes pre-encoded frames ({@link WireFrames}) straight to the channel, flushed once per
 * event-loop turn ({@link ChannelConnection}).
 */
final class WebSocketConnection extends ChannelConnection implements ClientSession.Heartbeats {

  private final int maxMessageBytes;
  private final long closingTimeoutMs;
  /** A text message arriving in several frames, until its final one. */
  private ByteBuf fragments;
  private boolean skippingFragments;

  /**
   * @param ticket the admission of the connection, or null when it is refused (see {@link #refuse})
   * @param conn the HTTP/1.x connection whose close Vert.x's metrics are told of, or null
   */
  WebSocketConnection(ContextInternal context, HeraldMetrics metrics, Admission.Ticket ticket, int maxMessageBytes,
      long closingTimeoutMs, Http1xServerConnection conn) {
    super(context, metrics, Meters.WEBSOCKET, ticket, conn);
    this.maxMessageBytes = maxMessageBytes;
    this.closingTimeoutMs = closingTimeoutMs;
  }

  /**
   * Answers the upgrade request. The answer is flushed with whatever the session writes in the same event-loop
   * turn ({@code hello}, {@code subscribed}): one write and one wake-up of the client instead of two.
   */
  void switchProtocols(byte[] response) {
    write(ctx.alloc().directBuffer(response.length).writeBytes(response));
  }

  /** Tells a connection the node did not admit why, then closes it. */
  void refuse(Buffer disconnectFrame, CloseReason reason) {
    send(disconnectFrame);
    close(reason);
  }

  // ---- Subscriber ------------------------------------------------------------------------------------------

  @Override
  protected ByteBuf encode(ChannelMessage message) {
    return WireFrames.message(message);
  }

  @Override
  public void send(Buffer frame) {
    write(WireFrames.text(ctx.alloc(), frame));
  }

  /**
   * A ping, whose pong counts as activity. The pong follows whatever was queued ahead of the ping, so a client
   * reading that queue, slowly but steadily, also counts ({@link #readSinceLastCheck()}); one that stopped reading
   * answers nothing and is closed as idle.
   */
  @Override
  public void heartbeat() {
    if (readSinceLastCheck()) {
      session.touch();
    }
    write(WireFrames.ping(ctx.alloc()));
  }

  /** Sends the close frame; the channel closes when the client answers it, or after the closing timeout. */
  @Override
  public void close(CloseReason reason) {
    if (closing) {
      return;
    }
    write(WireFrames.close(ctx.alloc(), reason.webSocketStatus(), reason.reason()));
    // Nothing follows our close frame (RFC 6455 §5.5.1).
    closing = true;
    closeWithin(closingTimeoutMs);
  }

  // ---- inbound ---------------------------------------------------------------------------------------------

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof WebSocketFrame frame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      context.dispatch(frame, this::onFrame);
    } finally {
      frame.release();
    }
  }

  private void onFrame(WebSocketFrame frame) {
    if (frame instanceof CloseWebSocketFrame close) {
      answerClose(close);
      return;
    }
    if (session == null) {
      return; // refused: only its close frame matters
    }
    if (frame instanceof TextWebSocketFrame) {
      if (frame.isFinalFragment() && fragments == null) {
        text(frame.content());
      } else {
        startFragments(frame.content(), frame.isFinalFragment());
      }
    } else if (frame instanceof ContinuationWebSocketFrame) {
      continueFragments(frame.content(), frame.isFinalFragment());
    } else if (frame instanceof PingWebSocketFrame) {
      session.touch();
      write(WireFrames.pong(ctx.alloc(), frame.content()));
    } else if (frame instanceof PongWebSocketFrame) {
      session.touch();
    } else if (frame instanceof BinaryWebSocketFrame) {
      skippingFragments = !frame.isFinalFragment();
      session.badFrame(ErrorCode.BAD_FRAME, "binary frames are not supported");
    }
  }

  private void text(ByteBuf utf8) {
    session.onFrame(utf8.toString(StandardCharsets.UTF_8), utf8.readableBytes());
  }

  private void startFragments(ByteBuf first, boolean last) {
    releaseFragments();
    skippingFragments = false;
    fragments = ctx.alloc().heapBuffer(first.readableBytes() * 2);
    continueFragments(first, last);
  }

  private void continueFragments(ByteBuf part, boolean last) {
    if (fragments == null) {
      if (!skippingFragments) {
        session.badFrame(ErrorCode.BAD_FRAME, "continuation frame without a first fragment");
      }
      skippingFragments = !last;
      return;
    }
    if (fragments.readableBytes() + part.readableBytes() > maxMessageBytes) {
      releaseFragments();
      skippingFragments = !last;
      session.badFrame(ErrorCode.TOO_LARGE, "message larger than " + maxMessageBytes + " bytes");
      return;
    }
    fragments.writeBytes(part);
    if (last) {
      try {
        text(fragments);
      } finally {
        releaseFragments();
      }
    }
  }

  private void releaseFragments() {
    if (fragments != null) {
      fragments.release();
      fragments = null;
    }
  }

  /** The client closes: answer with its status (RFC 6455 §5.5.1), or close at once if we had sent ours. */
  private void answerClose(CloseWebSocketFrame frame) {
    if (closing) {
      ctx.close();
      return;
    }
    closing = true;
    int status = frame.statusCode() > 0 ? frame.statusCode() : 1000;
    ctx.writeAndFlush(WireFrames.close(ctx.alloc(), status, "")).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException bad && !closing && ctx.channel().isActive()) {
      // Netty's decoder discards everything after a protocol violation; say why, then close.
      closing = true;
      int status = bad.closeStatus() == null ? 1002 : bad.closeStatus().code();
      String reason = bad.getMessage() == null ? "protocol error" : bad.getMessage();
      ctx.writeAndFlush(WireFrames.close(ctx.alloc(), status, reason)).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.close();
  }

  @Override
  protected void released() {
    releaseFragments();
  }
}
