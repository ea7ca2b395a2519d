package dev.herald.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.message.Channel;
import dev.herald.message.IngestItem;
import dev.herald.message.Publish;
import java.util.List;
import org.junit.jupiter.api.Test;

class RendererTest {

  private final Renderer renderer = new Renderer();

  private static Publish publish(String key) {
    return new Publish(List.of(Channel.parse("thread:1")), "marker", "1", key);
  }

  @Test
  void publishWithoutKeyIsDeduplicatedByItsQueueEntry() {
    // Taken over by another node after its commit, the same entry must not be committed a second time.
    assertThat(renderer.render(IngestItem.of("1700000000000-3", 0, publish(null))).dedupeKey())
        .isEqualTo("entry:1700000000000-3");
  }

  @Test
  void producersKeyWinsOverTheEntry() {
    assertThat(renderer.render(IngestItem.of("1700000000000-3", 0, publish("k1"))).dedupeKey())
        .isEqualTo("publish:k1");
  }
}
