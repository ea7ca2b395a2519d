package dev.herald.engine.memory;

import static dev.herald.testing.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.engine.Queue;
import dev.herald.engine.QueueContract;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The queue contract on the in-process queue: every consumer name is the same queue. */
class MemoryQueueTest extends QueueContract {

  private MemoryQueue queue;

  @Override
  protected Queue queue(String consumer) {
    if (queue == null) {
      queue = new MemoryQueue(vertx, System::currentTimeMillis);
    }
    return queue;
  }

  @AfterEach
  void close() {
    if (queue != null) {
      queue.close();
    }
  }

  @Test
  void aWaitingConsumerIsAnsweredOnItsOwnEventLoop() throws Throwable {
    Queue q = queue("n1");
    Context consumer = vertx.getOrCreateContext();
    Promise<Void> waiting = Promise.promise();
    Promise<Boolean> onItsLoop = Promise.promise();
    consumer.runOnContext(v -> {
      q.next(10, 10_000).onComplete(r -> onItsLoop.complete(Vertx.currentContext() == consumer));
      waiting.complete();
    });
    result(waiting.future());
    // Enqueued from another event loop, as the HTTP API does.
    Context producer = vertx.getOrCreateContext();
    producer.runOnContext(v -> q.add(Map.of("n", "1")));
    assertThat(result(onItsLoop.future())).isTrue();
  }
}
