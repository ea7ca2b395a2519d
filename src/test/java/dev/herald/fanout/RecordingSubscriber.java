package dev.herald.fanout;

import dev.herald.message.ChannelMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A subscriber that records every frame and counts heartbeats, and can pretend its socket is full: while
 * {@link #full} is set, message offers are refused, exactly as a transport over its outbound bound would.
 */
final class RecordingSubscriber implements Subscriber, ClientSession.Heartbeats {

  final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  /** Heartbeats the session asked for (a transport's ping), not frames. */
  volatile int heartbeats;
  volatile boolean full;
  volatile CloseReason closed;
  private Runnable onDrain;

  @Override
  public Offer offer(ChannelMessage message) {
    if (full) {
      return Offer.FULL;
    }
    frames.add(new JsonObject(message.frame()));
    return Offer.WRITTEN;
  }

  @Override
  public void heartbeat() {
    heartbeats++;
  }

  @Override
  public void send(Buffer frame) {
    frames.add(new JsonObject(frame));
  }

  @Override
  public void whenDrained(Runnable action) {
    if (!full) {
      action.run();
    } else {
      onDrain = action;
    }
  }

  @Override
  public long bufferedBytes() {
    return 0;
  }

  @Override
  public void close(CloseReason reason) {
    closed = reason;
  }

  /** Called on the session's event loop: the socket drained. */
  void drain() {
    full = false;
    Runnable r = onDrain;
    onDrain = null;
    if (r != null) {
      r.run();
    }
  }

  List<JsonObject> ofOp(String op) {
    return frames.stream().filter(f -> op.equals(f.getString("op"))).toList();
  }

  List<Integer> data() {
    return ofOp("message").stream().map(f -> f.getInteger("data")).toList();
  }
}
