package dev.herald.cluster;

import dev.herald.message.Channel;

/** Every event-bus address Herald uses, in one place. */
public final class Addresses {

  /** Node-local: ingest asks the formatter to format, commit and publish one entry. */
  public static final String FORMAT = "herald.format";

  private static final String CHANNEL_PREFIX = "herald.ch.";

  private Addresses() {
  }

  /**
   * Where a channel's committed messages are published. Clustered: registered by a node only while it has local
   * subscribers of the channel, so a message travels only to the nodes that need it.
   */
  public static String channel(Channel channel) {
    return CHANNEL_PREFIX + channel;
  }
}
