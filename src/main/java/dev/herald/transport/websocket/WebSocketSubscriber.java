package dev.herald.transport.websocket;

import dev.herald.fanout.ClientSession;
import dev.herald.fanout.CloseReason;
import dev.herald.message.ChannelMessage;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.transport.StreamSubscriber;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

/**
 * A raw WebSocket client. Counts the bytes of writes not yet handed to the kernel (Vert.x's
 * {@code writeQueueFull} alone does not bound the heap) and refuses message frames above the bound, so the
 * session can switch the client to catch-up. Only touched on the socket's event loop.
 */
final class WebSocketSubscriber extends StreamSubscriber implements ClientSession.Heartbeats {

  private static final Buffer EMPTY = Buffer.buffer();

  private final ServerWebSocket ws;

  WebSocketSubscriber(ServerWebSocket ws, long maxBufferedBytes, HeraldMetrics metrics) {
    super(maxBufferedBytes, metrics);
    this.ws = ws;
  }

  @Override
  protected void writeMessage(ChannelMessage message) {
    write(message.frame());
  }

  @Override
  public void send(Buffer frame) {
    write(frame);
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
