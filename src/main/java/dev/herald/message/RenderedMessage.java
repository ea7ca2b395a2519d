package dev.herald.message;

import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * A message formatted once, ready to be committed to every channel it belongs to.
 * {@code body} is the encoded tail of the client frame, {@code "type":"…","data":{…}}, shared by every channel
 * and every subscriber; {@code dedupeKey} is null when the message may not be deduplicated.
 */
public record RenderedMessage(List<Channel> channels, String type, Buffer body, String dedupeKey,
                              long acceptedAtMillis) {

  public RenderedMessage {
    channels = List.copyOf(channels);
  }
}
