package dev.herald.transport.websocket;

import dev.herald.fanout.ClientSession;
import dev.herald.fanout.CloseReason;
import dev.herald.fanout.ErrorCode;
import dev.herald.fanout.Offer;
import dev.herald.fanout.Subscriber;
import dev.herald.message.ChannelMessage;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.security.Admission;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.WriteBufferWaterMark;
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
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.TCPMetrics;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One raw WebSocket client on a channel taken from Vert.x ({@link ChannelTakeover}): reads the frames Netty's
 * decoder produces, and writes pre-encoded frames ({@link WireFrames}) straight to the channel, flushed once per
 * event-loop turn ({@link FlushBatch}). It is the Netty handler and the fanout's {@link Subscriber} in one object
 * on purpose: every object per connection costs memory on a node holding many thousands of them.
 *
 * <p>Unsent bytes are bounded with the channel's own accounting: its write-buffer high water mark is the
 * transport's bound, so a channel over the bound is not writable, message frames are refused and the session
 * switches the client to catch-up; the session resumes when the channel falls below half the bound. Everything
 * runs on the channel's event loop, and calls into the session run on the HTTP server's Vert.x context.
 */
final class WebSocketConnection extends ChannelInboundHandlerAdapter
    implements Subscriber, ClientSession.Heartbeats {

  private final ContextInternal context;
  private final HeraldMetrics metrics;
  private final HeraldMetrics.TransportMeters meters;
  private final Admission.Ticket ticket;
  private final int maxMessageBytes;
  private final long closingTimeoutMs;
  private final TCPMetrics<Object> vertxMetrics;
  private final Object vertxMetric;
  private ChannelHandlerContext ctx;
  private ClientSession session;
  /** A text message arriving in several frames, until its final one. */
  private ByteBuf fragments;
  private boolean skippingFragments;
  private Runnable onDrain;
  private long peak;
  private boolean flushQueued;
  private boolean closing;
  /** Closes the channel if the client never answers our close frame. */
  private ScheduledFuture<?> closingTimer;

  /** @param ticket the admission of the connection, or null when it is refused (see {@link #refuse}) */
  WebSocketConnection(ContextInternal context, HeraldMetrics metrics, Admission.Ticket ticket, int maxMessageBytes,
      long closingTimeoutMs, TCPMetrics<Object> vertxMetrics, Object vertxMetric) {
    this.context = context;
    this.metrics = metrics;
    this.meters = metrics.transport(dev.herald.metrics.Meters.WEBSOCKET);
    this.ticket = ticket;
    this.maxMessageBytes = maxMessageBytes;
    this.closingTimeoutMs = closingTimeoutMs;
    this.vertxMetrics = vertxMetrics;
    this.vertxMetric = vertxMetric;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Starts the session of an admitted connection; {@code bound}'s high mark is its limit of unsent bytes, its low
   * mark where the session resumes.
   */
  void open(ClientSession session, WriteBufferWaterMark bound) {
    this.session = session;
    ctx.channel().config().setWriteBufferWaterMark(bound);
    meters.opened();
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
  public Offer offer(ChannelMessage message) {
    if (!ctx.channel().isWritable()) {
      return Offer.FULL;
    }
    write(WireFrames.message(message));
    metrics.delivered(message.acceptedAtMillis());
    return Offer.WRITTEN;
  }

  @Override
  public void send(Buffer frame) {
    write(WireFrames.text(ctx.alloc(), frame));
  }

  @Override
  public void heartbeat() {
    write(WireFrames.ping(ctx.alloc()));
  }

  @Override
  public void whenDrained(Runnable action) {
    if (ctx.channel().isWritable()) {
      action.run();
    } else {
      onDrain = action;
    }
  }

  @Override
  public long bufferedBytes() {
    ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }

  @Override
  public long peakBufferedBytes() {
    return peak;
  }

  /** Sends the close frame; the channel closes when the client answers it, or after the closing timeout. */
  @Override
  public void close(CloseReason reason) {
    if (closing) {
      return;
    }
    write(WireFrames.close(ctx.alloc(), reason.webSocketStatus(), reason.reason()));
    closing = true;
    closingTimer = ctx.executor().schedule(() -> {
      ctx.close();
    }, closingTimeoutMs, TimeUnit.MILLISECONDS);
  }

  /** Nothing follows our close frame (RFC 6455 §5.5.1). */
  private void write(ByteBuf frame) {
    if (closing || !ctx.channel().isActive()) {
      frame.release();
      return;
    }
    ctx.write(frame, ctx.voidPromise());
    if (!flushQueued) {
      flushQueued = true;
      FlushBatch.add(this, ctx.executor());
    }
  }

  /** Called once per event-loop turn in which something was written. */
  void flush() {
    flushQueued = false;
    // Unsent bytes only grow between flushes, so their peak is reached here, not at each write of a fan-out.
    peak = Math.max(peak, bufferedBytes());
    ctx.flush();
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
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (onDrain != null && ctx.channel().isWritable()) {
      Runnable action = onDrain;
      onDrain = null;
      context.dispatch(v -> action.run());
    }
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
  public void channelInactive(ChannelHandlerContext ctx) {
    if (closingTimer != null) {
      // Otherwise the task would hold this connection and its session until the timeout.
      closingTimer.cancel(false);
    }
    releaseFragments();
    if (vertxMetrics != null) {
      vertxMetrics.disconnected(vertxMetric, remoteAddress());
    }
    if (ticket != null) {
      ticket.release();
    }
    if (session != null) {
      meters.closed();
      context.dispatch(v -> session.closed());
    }
  }

  private SocketAddress remoteAddress() {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? SocketAddress.inetSocketAddress(a) : null;
  }
}
