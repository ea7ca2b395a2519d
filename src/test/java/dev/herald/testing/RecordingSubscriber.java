package dev.herald.testing;

import dev.herald.fanout.CloseReason;
import dev.herald.fanout.Offer;
import dev.herald.fanout.Subscriber;
import dev.herald.message.ChannelMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A subscriber that records every frame it is given (as text) and the close reason; never full. */
public final class RecordingSubscriber implements Subscriber {

  public final List<String> frames = new CopyOnWriteArrayList<>();
  public volatile CloseReason closed;

  @Override
  public Offer offer(ChannelMessage message) {
    frames.add(message.frame().toString());
    return Offer.WRITTEN;
  }

  @Override
  public void send(Buffer frame) {
    frames.add(frame.toString());
  }

  @Override
  public void whenDrained(Runnable action) {
    action.run();
  }

  @Override
  public long bufferedBytes() {
    return 0;
  }

  @Override
  public void close(CloseReason reason) {
    closed = reason;
  }

  /** The frames as JSON objects. */
  public List<JsonObject> json() {
    return frames.stream().map(JsonObject::new).toList();
  }
}
