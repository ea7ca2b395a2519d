package dev.herald.transport;

import dev.herald.fanout.ClientSession;
import dev.herald.fanout.Offer;
import dev.herald.fanout.Subscriber;
import dev.herald.message.ChannelMessage;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.security.Admission;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.TCPMetrics;
import java.net.InetSocketAddress;

/**
 * A client connection on a Netty channel taken from Vert.x ({@link ChannelTakeover}): the channel's last handler
 * and the fanout's {@link Subscriber} in one object, on purpose: every object per connection costs memory on a
 * node holding many thousands of them. A transport says how a message is encoded; writes go straight to the
 * channel and are flushed once per event-loop turn ({@link FlushBatch}).
 *
 * <p>Unsent bytes are bounded with the channel's own accounting: its write-buffer high water mark is the
 * transport's bound, so a channel over the bound is not writable, message frames are refused and the session
 * switches the client to catch-up; the session resumes when the channel falls below the low mark. Everything runs
 * on the channel's event loop, and calls into the session run on the HTTP server's Vert.x context.
 */
public abstract class ChannelConnection extends ChannelInboundHandlerAdapter implements Subscriber {

  protected final ContextInternal context;
  private final HeraldMetrics.TransportMeters meters;
  private final Admission.Ticket ticket;
  private final TCPMetrics<Object> vertxMetrics;
  private final Object vertxMetric;
  protected ChannelHandlerContext ctx;
  protected ClientSession session;
  private Runnable onDrain;
  private long peak;
  private boolean flushQueued;
  /** What headed the flushed writes at the last {@link #readSinceLastCheck()}; null when none waited. */
  private Object headAtCheck;
  /** Set once the connection's last bytes are written: nothing is written after them. */
  protected boolean closing;

  /**
   * @param transport the transport's name in the meters ({@link dev.herald.metrics.Meters})
   * @param ticket the admission of the connection, or null when it is refused
   * @param conn the HTTP/1.x connection the channel was taken from, whose close Vert.x's metrics are told of; or
   *     null
   */
  protected ChannelConnection(ContextInternal context, HeraldMetrics metrics, String transport,
      Admission.Ticket ticket, Http1xServerConnection conn) {
    this.context = context;
    this.meters = metrics.transport(transport);
    this.ticket = ticket;
    this.vertxMetrics = conn == null ? null : metricsOf(conn);
    this.vertxMetric = conn == null ? null : conn.metric();
  }

  @SuppressWarnings("unchecked")
  private static TCPMetrics<Object> metricsOf(Http1xServerConnection c) {
    return c.metrics() instanceof TCPMetrics<?> m ? (TCPMetrics<Object>) m : null;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Starts the session of an admitted connection; {@code bound}'s high mark is its limit of unsent bytes, its low
   * mark where the session resumes.
   */
  public void open(ClientSession session, WriteBufferWaterMark bound) {
    this.session = session;
    ctx.channel().config().setWriteBufferWaterMark(bound);
    meters.opened();
  }

  // ---- Subscriber ------------------------------------------------------------------------------------------

  @Override
  public final Offer offer(ChannelMessage message) {
    if (!ctx.channel().isWritable()) {
      return Offer.FULL;
    }
    write(encode(message));
    return Offer.WRITTEN;
  }

  /** The message's bytes for this connection: the shared encoding, or a small prefix of its own in front. */
  protected abstract ByteBuf encode(ChannelMessage message);

  @Override
  public final void whenDrained(Runnable action) {
    if (ctx.channel().isWritable()) {
      action.run();
    } else {
      onDrain = action;
    }
  }

  @Override
  public final long bufferedBytes() {
    ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }

  @Override
  public final long peakBufferedBytes() {
    return peak;
  }

  // ---- writing ---------------------------------------------------------------------------------------------

  /** Writes {@code bytes} (flushed after this turn); dropped once closing or closed. */
  protected final void write(ByteBuf bytes) {
    write(bytes, ctx.voidPromise());
  }

  /** As {@link #write(ByteBuf)}; false when dropped (then {@code promise} is not completed). */
  protected final boolean write(ByteBuf bytes, ChannelPromise promise) {
    if (closing || !ctx.channel().isActive()) {
      bytes.release();
      return false;
    }
    ctx.write(bytes, promise);
    if (!flushQueued) {
      flushQueued = true;
      FlushBatch.add(this, ctx.executor());
    }
    return true;
  }

  /**
   * True when the client took bytes that waited for it at the previous call: the write that headed the queue of
   * flushed writes then has left it. A flushed write stays there until the kernel took it, which waits while the
   * kernel's buffers for the socket are full, so the queue moving means the peer acknowledged data. A heartbeat's
   * answer (a pong, or the SSE comment reaching the kernel) comes only after what is queued ahead of it, so a client
   * reading steadily behind its queue would otherwise look silent. The queue moves in steps: on loopback the kernel
   * holds up to 4 MB and takes more only once a good part of it has gone. Called at each heartbeat; compares
   * identities only.
   */
  protected final boolean readSinceLastCheck() {
    ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
    Object head = out == null ? null : out.current();
    boolean moved = headAtCheck != null && head != headAtCheck;
    headAtCheck = head;
    return moved;
  }

  /** Cuts the channel after {@code ms} if it is still open then ({@link ClosingCut}). */
  protected final void closeWithin(long ms) {
    ClosingCut.schedule(ctx.channel(), ms, meters);
  }

  /** Called once per event-loop turn in which something was written. */
  final void flush() {
    flushQueued = false;
    // Unsent bytes only grow between flushes, so their peak is reached here, not at each write of a fan-out.
    peak = Math.max(peak, bufferedBytes());
    ctx.flush();
  }

  // ---- channel events --------------------------------------------------------------------------------------

  @Override
  public final void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (onDrain != null && ctx.channel().isWritable()) {
      Runnable action = onDrain;
      onDrain = null;
      context.dispatch(v -> action.run());
    }
  }

  @Override
  public final void channelInactive(ChannelHandlerContext ctx) {
    released();
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

  /** The channel closed: a transport lets go of what it holds (timers, buffers, metrics of its own). */
  protected abstract void released();

  private SocketAddress remoteAddress() {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? SocketAddress.inetSocketAddress(a) : null;
  }
}
