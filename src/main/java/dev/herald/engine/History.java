package dev.herald.engine;

import dev.herald.message.Channel;
import dev.herald.message.MessageId;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * Per-channel message history: the commit point of the pipeline and the source of every resume.
 * Implementations: {@code RedisHistory} (shared by the cluster) and {@code MemoryHistory} (bounded rings in
 * process). Every method may be called from any thread; futures may complete on any thread.
 */
public interface History {

  /**
   * In one atomic step: if {@code dedupeKey} (nullable) was committed to this channel within the dedupe window,
   * answers that earlier id as a duplicate; otherwise assigns the channel's next offset, appends {@code body}
   * and records the key. An empty {@code body} fails (the Redis engine marks removed messages with empty
   * entries; every rendered message has a body).
   */
  Future<Commit> commit(Channel channel, String dedupeKey, Buffer body);

  /**
   * Commits one message to each of {@code channels} as {@link #commit} does, the results in the same order. Calls
   * made one after another from one thread are applied in that order, so a channel's offsets follow the order of
   * the calls without the caller waiting for one commit before making the next.
   */
  Future<List<Commit>> commitAll(List<Channel> channels, String dedupeKey, Buffer body);

  /**
   * The messages after {@code since} (exclusive), oldest first, at most {@code limit}; with {@code since} null,
   * none, only the channel's current position.
   */
  Future<Replay> since(Channel channel, MessageId since, int limit);

  /** Removes one message from the history; false when it was not there. */
  Future<Boolean> remove(Channel channel, MessageId id);

  /** Number of messages held for the channel. */
  Future<Long> size(Channel channel);

  /** Releases what this history holds. */
  Future<Void> close();
}
