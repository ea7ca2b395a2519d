package dev.herald.message;

import java.util.List;

/**
 * An application event for one or more channels. {@code dataJson} is the producer's JSON, already validated
 * and re-encoded compactly; {@code idempotencyKey} is null when the producer gave no {@code id}.
 */
public record Publish(List<Channel> channels, String type, String dataJson, String idempotencyKey) {

  /** The type delivered when a producer gives none. */
  public static final String DEFAULT_TYPE = "message";

  public Publish {
    channels = List.copyOf(channels);
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("a publish needs at least one channel");
    }
  }
}
