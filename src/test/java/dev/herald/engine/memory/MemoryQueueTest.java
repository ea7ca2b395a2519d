package dev.herald.engine.memory;

import dev.herald.engine.Queue;
import dev.herald.engine.QueueContract;
import org.junit.jupiter.api.AfterEach;

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
}
