package dev.herald.transport.websocket;

import dev.herald.fanout.ClientSession;
import dev.herald.fanout.CloseReason;
import dev.herald.fanout.Offer;
import dev.herald.fanout.Subscriber;
import dev.herald.message.ChannelMessage;
import dev.herald.transport.OutboundBytes;
import dev.herald.metrics.HeraldMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

/**
 * A raw WebSocket client. Counts the bytes of writes not yet handed to the kernel (Vert.x's
 * {@code writeQueueFull} alone does not bound the heap) and refuses message frames above the bound, so the
 * session can switch the client to catch-up. Only touched on the socket's event loop.
 */
final class WebSocketSubscriber implements Subscriber, ClientSession.Heartbeats {

  private static final Buffer EMPTY = Buffer.buffer();

  private final ServerWebSocket ws;
  private final OutboundBytes outbound;
  private final HeraldMetrics metrics;

  WebSocketSubscriber(ServerWebSocket ws, long maxBufferedBytes, HeraldMetrics metrics) {
    this.ws = ws;
    this.metrics = metrics;
    this.outbound = new OutboundBytes(maxBufferedBytes);
  }

  @Override
  public Offer offer(ChannelMessage message) {
    if (outbound.full()) {
      return Offer.FULL;
    }
    write(message.frame());
    metrics.delivered(message.acceptedAtMillis());
    return Offer.WRITTEN;
  }

  @Override
  public void send(Buffer frame) {
    write(frame);
  }

  @Override
  public void whenDrained(Runnable action) {
    outbound.whenDrained(action);
  }

  @Override
  public long bufferedBytes() {
    return outbound.buffered();
  }

  @Override
  public long peakBufferedBytes() {
    return outbound.peak();
  }

  @Override
  public void close(CloseReason reason) {
    ws.close((short) reason.webSocketStatus(), reason.reason());
  }

  @Override
  public void heartbeat() {
    ws.writePing(EMPTY);
  }

  private void write(Buffer frame) {
    outbound.track(ws.writeFrame(TextFrames.of(frame)), frame.length());
  }
}
