package dev.herald.fanout;

import dev.herald.message.ChannelMessage;
import io.vertx.core.buffer.Buffer;

/**
 * One client connection as the fanout sees it; a class per transport implements it. Every method is called on
 * the connection's event loop and returns at once: fan-out never waits on one subscriber.
 */
public interface Subscriber {

  /**
   * Writes the message's shared frame (a transport may add a small per-connection prefix), unless the connection
   * already holds more than its bound of unsent bytes.
   */
  Offer offer(ChannelMessage message);

  /** Writes a control frame (hello, subscribed, error, pong…); small and rare, so never refused. */
  void send(Buffer frame);

  /** Runs {@code action} once, as soon as the unsent bytes fall below half the bound (at once if they are). */
  void whenDrained(Runnable action);

  /** Unsent bytes held for this connection. */
  long bufferedBytes();

  /** The most unsent bytes this connection ever held; shows that the outbound bound holds. */
  default long peakBufferedBytes() {
    return bufferedBytes();
  }

  /** Closes the connection after the {@code disconnect} frame already sent, with the transport's status. */
  void close(CloseReason reason);
}
