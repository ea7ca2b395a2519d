package dev.herald.message;

import java.util.Optional;

/**
 * The position of a message in one channel's history: the history's epoch (changes when the history is lost)
 * and the offset within it (1, 2, 3, …). Clients see it as the opaque string {@code <epoch>-<offset>}.
 */
public record MessageId(String epoch, long offset) {

  public MessageId {
    if (epoch == null || epoch.isEmpty() || epoch.indexOf('-') >= 0) {
      throw new IllegalArgumentException("bad message id epoch");
    }
    if (offset < 0) {
      throw new IllegalArgumentException("bad message id offset");
    }
  }

  /** Parses the wire form; empty when it is not a message id Herald could have issued. */
  public static Optional<MessageId> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    int dash = text.lastIndexOf('-');
    if (dash <= 0 || dash == text.length() - 1 || dash > 40) {
      return Optional.empty();
    }
    try {
      long offset = Long.parseLong(text.substring(dash + 1));
      return Optional.of(new MessageId(text.substring(0, dash), offset));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return epoch + "-" + offset;
  }
}
