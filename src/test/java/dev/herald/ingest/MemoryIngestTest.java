package dev.herald.ingest;

import dev.herald.engine.Queue;
import dev.herald.engine.memory.MemoryQueue;

/** Ingest job semantics on the memory engine. */
class MemoryIngestTest extends IngestContract {

  private MemoryQueue shared;

  @Override
  protected Queue queue(String consumer) {
    // One process, one queue: every "consumer" is the same in-process queue.
    if (shared == null) {
      shared = new MemoryQueue(vertx, System::currentTimeMillis);
    }
    return shared;
  }
}
