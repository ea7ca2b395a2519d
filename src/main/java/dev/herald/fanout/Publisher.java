package dev.herald.fanout;

import dev.herald.cluster.Addresses;
import dev.herald.engine.Commit;
import dev.herald.engine.History;
import dev.herald.message.Channel;
import dev.herald.message.ChannelMessage;
import dev.herald.message.MessageFrame;
import dev.herald.message.RenderedMessage;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The commit point: commits a rendered message to each of its channels' history (dedupe, offset, append in one
 * atomic step), then publishes each channel's frame, encoded once, to the nodes that have subscribers.
 * Commits of one channel are chained, so a channel's offsets follow the order messages reached the publisher even
 * when ingest formats a batch concurrently; different channels commit in parallel. Only called from the
 * formatter's event loop.
 */
public final class Publisher {

  private final EventBus bus;
  private final History history;
  /** The last commit started per channel; removed once it completed and nothing was chained after it. */
  private final Map<Channel, Future<Commit>> tails = new HashMap<>();

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
    List<Future<Commit>> commits = new ArrayList<>(m.channels().size());
    for (Channel channel : m.channels()) {
      Future<Commit> previous = tails.get(channel);
      Future<Commit> commit = (previous == null ? history.commit(channel, m.dedupeKey(), m.body())
          : previous.transform(p -> history.commit(channel, m.dedupeKey(), m.body()))).map(c -> {
            bus.publish(Addresses.channel(channel), new ChannelMessage(channel, c.id(),
                MessageFrame.encode(channel, c.id(), m.body()), m.acceptedAtMillis()));
            return c;
          });
      tails.put(channel, commit);
      commit.onComplete(r -> tails.remove(channel, commit));
      commits.add(commit);
    }
    return Future.all(commits).map(cf -> cf.list());
  }
}
