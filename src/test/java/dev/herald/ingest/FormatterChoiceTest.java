package dev.herald.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.cluster.Addresses;
import dev.herald.cluster.Codecs;
import dev.herald.engine.memory.MemoryQueue;
import dev.herald.format.FormatterVerticle;
import dev.herald.message.IngestItem;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.testing.Await;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which formatter ingest asks: the one on its own event loop when the node says there is one (no other thread to
 * wake per entry), else any on the shared address. Stand-in formatters answer on every loop's address and on the
 * shared one and note which was asked.
 */
class FormatterChoiceTest {

  private Vertx vertx;
  private MemoryQueue queue;
  private final List<String> asked = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(3));
    Codecs.register(vertx.eventBus());
    queue = new MemoryQueue(vertx, System::currentTimeMillis);
    answerOn(Addresses.FORMAT);
    for (var loop : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      Context onLoop = ((VertxInternal) vertx).contextBuilder().withEventLoop((EventLoop) loop).build();
      answerOn(FormatterVerticle.addressOn(onLoop));
    }
  }

  @AfterEach
  void tearDown() {
    Await.of(vertx.close());
  }

  @Test
  void asksTheFormatterOnItsOwnLoop() {
    IngestVerticle ingest = ingest(c -> true);
    Await.of(queue.add(IngestContract.publish(1)));
    IngestContract.eventually(() -> asked.size() == 1);
    assertThat(asked).containsExactly(FormatterVerticle.addressOn(ingest.context()));
    assertThat(asked.get(0)).isNotEqualTo(Addresses.FORMAT);
  }

  @Test
  void asksAnyFormatterWhenNoneRunsOnItsLoop() {
    ingest(c -> false);
    Await.of(queue.add(IngestContract.publish(1)));
    IngestContract.eventually(() -> asked.size() == 1);
    assertThat(asked).containsExactly(Addresses.FORMAT);
  }

  @Test
  void eachLoopHasAnAddressOfItsOwnSharedByItsContexts() {
    List<String> perLoop = new ArrayList<>();
    for (var loop : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      Context one = ((VertxInternal) vertx).contextBuilder().withEventLoop((EventLoop) loop).build();
      Context other = ((VertxInternal) vertx).contextBuilder().withEventLoop((EventLoop) loop).build();
      assertThat(FormatterVerticle.addressOn(other)).isEqualTo(FormatterVerticle.addressOn(one));
      perLoop.add(FormatterVerticle.addressOn(one));
    }
    assertThat(perLoop).hasSize(3).doesNotHaveDuplicates().doesNotContain(Addresses.FORMAT);
  }

  private IngestVerticle ingest(Predicate<Context> formatterOnLoop) {
    IngestVerticle ingest = new IngestVerticle(queue, IngestContract.config(3, 60_000), 65_536,
        HeraldMetrics.standalone(), formatterOnLoop);
    Await.of(vertx.deployVerticle(ingest));
    return ingest;
  }

  private void answerOn(String address) {
    Await.of(vertx.eventBus().<IngestItem>localConsumer(address, m -> {
      asked.add(address);
      m.reply(1);
    }).completion());
  }
}
