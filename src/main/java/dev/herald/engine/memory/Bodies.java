package dev.herald.engine.memory;

/**
 * One channel's messages, oldest first: each one's offset and body bytes in two circular arrays, so a message held
 * costs its bytes and two slots, not objects of its own. Offsets rise but may have gaps (a removed message). The
 * arrays grow by doubling up to {@code capacity}, so a channel with few messages holds small ones. Not thread-safe:
 * its ring's monitor guards it.
 */
final class Bodies {

  private static final int INITIAL = 1;

  private final int capacity;
  private long[] offsets;
  private byte[][] bodies;
  /** Index of the oldest message. */
  private int head;
  private int count;

  /** @param capacity the most messages held; {@link #add} beyond it fails */
  Bodies(int capacity) {
    this.capacity = capacity;
    clear();
  }

  int count() {
    return count;
  }

  /** The offset of the i-th message, 0 the oldest. */
  long offset(int i) {
    return offsets[slot(i)];
  }

  /** The body of the i-th message, 0 the oldest; not to be modified. */
  byte[] body(int i) {
    return bodies[slot(i)];
  }

  /** Appends a message whose offset is above every one held. */
  void add(long offset, byte[] body) {
    if (count == capacity) {
      throw new IllegalStateException("history ring full at " + capacity + " messages");
    }
    if (count == offsets.length) {
      grow();
    }
    int s = slot(count);
    offsets[s] = offset;
    bodies[s] = body;
    count++;
  }

  void removeOldest() {
    bodies[head] = null;
    head = slot(1);
    count--;
  }

  /** Removes the message at {@code offset}; false when none is held there. */
  boolean remove(long offset) {
    int i = after(offset - 1);
    if (i == count || offset(i) != offset) {
      return false;
    }
    // Removal is an operator's act, rare: the younger messages move down one slot.
    for (int k = i; k < count - 1; k++) {
      offsets[slot(k)] = offsets[slot(k + 1)];
      bodies[slot(k)] = bodies[slot(k + 1)];
    }
    bodies[slot(count - 1)] = null;
    count--;
    return true;
  }

  /** The index of the oldest message above {@code offset}, or {@link #count()} when none is. */
  int after(long offset) {
    int lo = 0;
    int hi = count;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (offset(mid) <= offset) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  void clear() {
    offsets = new long[Math.min(INITIAL, capacity)];
    bodies = new byte[offsets.length][];
    head = 0;
    count = 0;
  }

  private void grow() {
    int length = (int) Math.min(capacity, 2L * offsets.length);
    long[] o = new long[length];
    byte[][] b = new byte[length][];
    for (int i = 0; i < count; i++) {
      o[i] = offset(i);
      b[i] = body(i);
    }
    offsets = o;
    bodies = b;
    head = 0;
  }

  private int slot(int i) {
    int s = head + i;
    return s < offsets.length ? s : s - offsets.length;
  }
}
