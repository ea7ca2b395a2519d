package dev.herald.cluster;

import dev.herald.message.ChannelMessage;
import dev.herald.message.IngestItem;
import io.vertx.core.eventbus.EventBus;

/** Registers Herald's event-bus codecs as defaults for their types, once per Vert.x instance. */
public final class Codecs {

  private Codecs() {
  }

  public static void register(EventBus bus) {
    bus.registerDefaultCodec(ChannelMessage.class, new ChannelMessageCodec());
    bus.registerDefaultCodec(IngestItem.class, new LocalOnlyCodec<>(IngestItem.class));
  }
}
