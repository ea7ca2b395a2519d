package dev.herald.engine.memory;

import dev.herald.engine.History;
import dev.herald.engine.HistoryContract;

/** The history contract on the in-process rings. */
class MemoryHistoryTest extends HistoryContract {

  @Override
  protected History history(int size) {
    return new MemoryHistory(size, 0, 60_000, System::currentTimeMillis);
  }
}
