package dev.herald.message;

import io.vertx.core.buffer.Buffer;

/**
 * A message committed to one channel's history: its id and the complete client frame
 * ({@code {"op":"message",…}}), encoded once and written as is to every subscriber of the channel.
 * Immutable; never modify {@code frame}.
 */
public record ChannelMessage(Channel channel, MessageId id, Buffer frame, long acceptedAtMillis) {
}
