package dev.herald.fanout;

import dev.herald.cluster.Addresses;
import dev.herald.engine.Commit;
import dev.herald.engine.History;
import dev.herald.message.Channel;
import dev.herald.message.ChannelMessage;
import dev.herald.message.MessageFrame;
import dev.herald.message.MessageId;
import dev.herald.message.RenderedMessage;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/**
 * The commit point: commits a rendered message to each of its channels' history (dedupe, offset, append in one
 * atomic step), then publishes each channel's frame, encoded once, to the nodes that have subscribers.
 * A channel's offsets follow the order messages reached the publisher even when ingest formats a batch
 * concurrently: {@link History#commitAll} applies calls in their order, and their answers come back in that order,
 * so no commit waits for the one before it. Only called from the formatter's event loop.
 */
public final class Publisher {

  private final EventBus bus;
  private final History history;

  public Publisher(EventBus bus, History history) {
    this.bus = bus;
    this.history = history;
  }

  /**
   * Commits and publishes; completes when every channel is committed and published. A duplicate (the same
   * dedupe key within the window) is published again under its original id: subscribers skip offsets they have,
   * and a crash between an earlier commit and its publish cannot leave live subscribers without it.
   */
  public Future<List<Commit>> publish(RenderedMessage m) {
    return history.commitAll(m.channels(), m.dedupeKey(), m.body()).map(commits -> {
      for (int i = 0; i < commits.size(); i++) {
        Channel channel = m.channels().get(i);
        MessageId id = commits.get(i).id();
        bus.publish(Addresses.channel(channel), new ChannelMessage(channel, id,
            MessageFrame.encode(channel, id, m.body()), m.acceptedAtMillis()));
      }
      return commits;
    });
  }
}
