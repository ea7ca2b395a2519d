package dev.herald.engine;

import dev.herald.message.MessageId;

/** The outcome of {@link History#commit}: the message's id, and whether it had been committed before. */
public record Commit(MessageId id, boolean duplicate) {
}
