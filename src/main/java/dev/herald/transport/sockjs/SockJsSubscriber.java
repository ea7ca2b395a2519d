package dev.herald.transport.sockjs;

import dev.herald.fanout.ClientSession;
import dev.herald.fanout.CloseReason;
import dev.herald.message.ChannelMessage;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.transport.ClosingCut;
import dev.herald.transport.StreamSubscriber;
import io.netty.channel.Channel;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/**
 * One SockJS session, whatever its SockJS transport. Counts the bytes of writes whose futures have not completed:
 * under SockJS-over-websocket {@code writeQueueFull()} does not see the real socket, and under the polling
 * transports frames wait in the SockJS session until the next request. SockJS escapes every frame into its own
 * framing ({@code a[...]}) per session, which Herald cannot avoid on this transport. Only touched on the socket's
 * event loop.
 */
final class SockJsSubscriber extends StreamSubscriber implements ClientSession.Heartbeats {

  private final SockJSSocket socket;
  /** The connection on the websocket transports, cut if its close frame cannot leave; null when polling. */
  private final Channel channel;
  private final long closingTimeoutMs;
  private final HeraldMetrics.TransportMeters meters;
  private ClientSession session;

  SockJsSubscriber(SockJSSocket socket, long maxBufferedBytes, Channel channel, long closingTimeoutMs,
      HeraldMetrics.TransportMeters meters) {
    super(maxBufferedBytes);
    this.socket = socket;
    this.channel = channel;
    this.closingTimeoutMs = closingTimeoutMs;
    this.meters = meters;
  }

  void attach(ClientSession session) {
    this.session = session;
  }

  @Override
  protected void writeMessage(ChannelMessage message) {
    write(message.frame());
  }

  @Override
  public void send(Buffer frame) {
    write(frame);
  }

  /**
   * Closes the SockJS session. On the websocket transports Vert.x times the close handshake out only once its close
   * frame is written, which a client that stopped reading never allows: the connection is cut after the closing
   * timeout instead ({@link ClosingCut}).
   */
  @Override
  public void close(CloseReason reason) {
    socket.close(reason.webSocketStatus(), reason.reason());
    if (channel != null) {
      ClosingCut.schedule(channel, closingTimeoutMs, meters);
    }
  }

  /**
   * SockJS keeps its sessions alive itself (its {@code h} frames, and a session timeout that closes a session whose
   * client stopped polling); that close reaches the session, so a heartbeat counts as activity when nothing is
   * waiting to be read or when writes completed since the last one: the client is reading. Requiring an empty
   * queue alone closed busy readers as idle: 72 of 10,000 in a fan-out step at 1,000 msg/s
   * ({@code scripts/bench fanout-sockjs}, 20261203T114052Z) always had a frame queued when their heartbeat came.
   */
  @Override
  public void heartbeat() {
    boolean wrote = wroteSinceLastCheck();
    if ((wrote || outbound.buffered() == 0) && session != null) {
      session.touch();
    }
  }

  private void write(Buffer frame) {
    // As text: SockJS escapes every frame as a string for its own framing anyway, and on the raw WebSocket
    // transport only the String write sends a text frame (the Buffer one sends binary).
    outbound.track(socket.write(frame.toString()), frame.length());
  }
}
