package dev.herald.transport;

import dev.herald.fanout.Offer;
import dev.herald.fanout.Subscriber;
import dev.herald.message.ChannelMessage;

/**
 * A subscriber on a streaming connection through Vert.x (SockJS, SSE over HTTP/2; {@code /ws} and SSE over
 * HTTP/1.1 write to their Netty channel themselves, {@link ChannelConnection}): message frames are refused while
 * the connection holds more than its bound of unsent bytes ({@link OutboundBytes}). A transport only says how it
 * writes. Only touched on the connection's event loop.
 */
public abstract class StreamSubscriber implements Subscriber {

  protected final OutboundBytes outbound;
  private long sentAtCheck;

  protected StreamSubscriber(long maxBufferedBytes) {
    this.outbound = new OutboundBytes(maxBufferedBytes);
  }

  @Override
  public final Offer offer(ChannelMessage message) {
    if (outbound.full()) {
      return Offer.FULL;
    }
    writeMessage(message);
    return Offer.WRITTEN;
  }

  /** Writes the message's shared frame, with at most a small per-connection prefix, counting it in {@link #outbound}. */
  protected abstract void writeMessage(ChannelMessage message);

  /**
   * True when writes completed since the previous call: the client read some of its queue. A heartbeat's own
   * completion comes only after what is queued ahead of it, so a client reading steadily behind its queue would
   * otherwise look silent. Called at each heartbeat.
   */
  protected final boolean wroteSinceLastCheck() {
    long sent = outbound.sent();
    boolean moved = sent != sentAtCheck;
    sentAtCheck = sent;
    return moved;
  }

  @Override
  public final void whenDrained(Runnable action) {
    outbound.whenDrained(action);
  }

  @Override
  public final long bufferedBytes() {
    return outbound.buffered();
  }

  @Override
  public final long peakBufferedBytes() {
    return outbound.peak();
  }
}
