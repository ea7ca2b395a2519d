package dev.herald.engine;

import dev.herald.message.MessageId;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * What a channel's history holds after a position.
 *
 * @param position  the id of the channel's latest message, null when the channel has none
 * @param recovered false when the history cannot prove that nothing after {@code since} was missed (evicted,
 *                  expired, unknown id, or a new epoch)
 * @param entries   the messages after {@code since} still held, oldest first; when {@code recovered} is false,
 *                  whatever the history still holds that the client may lack
 * @param more      true when {@code entries} was cut at the limit and more follow
 */
public record Replay(MessageId position, boolean recovered, List<Entry> entries, boolean more) {

  public Replay {
    entries = List.copyOf(entries);
  }

  /** One message of the history: its id and its body (see {@code RenderedMessage#body}). */
  public record Entry(MessageId id, Buffer body) {
  }
}
