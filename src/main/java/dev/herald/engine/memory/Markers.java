package dev.herald.engine.memory;

/**
 * One channel's dedupe markers, oldest first: each key with the offset it was committed as and the time it expires,
 * in three circular arrays, and an open-addressing index of their slots by key. A marker costs its key (one string
 * shared by the channels of a message) and a few array slots, not a map entry and a value object of its own. The
 * window is the same for every marker, so they expire in the order they were made and are forgotten oldest first.
 * Not thread-safe: its ring's monitor guards it.
 */
final class Markers {

  /** What {@link #offsetOf} answers for a key not held; offsets start at 1. */
  static final long NONE = 0;

  private static final int INITIAL = 1;

  private String[] keys;
  private long[] offsets;
  private long[] expiries;
  /** Slot of the oldest marker. */
  private int head;
  private int count;
  /** Linear probing over twice as many cells as slots: 1 + the slot of a marker, 0 for an empty cell. */
  private int[] index;

  Markers() {
    clear();
  }

  int count() {
    return count;
  }

  /** The offset committed under {@code key}, or {@link #NONE}. */
  long offsetOf(String key) {
    int mask = index.length - 1;
    for (int c = home(key, mask); index[c] != 0; c = (c + 1) & mask) {
      int s = index[c] - 1;
      if (keys[s].equals(key)) {
        return offsets[s];
      }
    }
    return NONE;
  }

  /** Adds a key not held, committed as {@code offset}, that expires no earlier than any held. */
  void add(String key, long offset, long expiresAt) {
    if (count == keys.length) {
      grow();
    }
    int s = slot(count);
    keys[s] = key;
    offsets[s] = offset;
    expiries[s] = expiresAt;
    count++;
    insert(s);
  }

  /** Forgets the markers that expire at or before {@code now}, oldest first, up to the first that does not. */
  void forgetBefore(long now) {
    while (count > 0 && expiries[head] <= now) {
      erase(head);
      keys[head] = null;
      head = slot(1);
      count--;
    }
  }

  void clear() {
    keys = new String[INITIAL];
    offsets = new long[INITIAL];
    expiries = new long[INITIAL];
    index = new int[2 * INITIAL];
    head = 0;
    count = 0;
  }

  private void insert(int s) {
    int mask = index.length - 1;
    int c = home(keys[s], mask);
    while (index[c] != 0) {
      c = (c + 1) & mask;
    }
    index[c] = s + 1;
  }

  /** Takes slot {@code s} out of the index, moving back the cells its probe sequence carried past it. */
  private void erase(int s) {
    int mask = index.length - 1;
    int gap = home(keys[s], mask);
    while (index[gap] != s + 1) {
      gap = (gap + 1) & mask;
    }
    index[gap] = 0;
    for (int c = (gap + 1) & mask; index[c] != 0; c = (c + 1) & mask) {
      int home = home(keys[index[c] - 1], mask);
      // The cell stays when its home lies cyclically after the gap and at or before it.
      boolean stays = gap < c ? gap < home && home <= c : gap < home || home <= c;
      if (!stays) {
        index[gap] = index[c];
        index[c] = 0;
        gap = c;
      }
    }
  }

  private void grow() {
    int length = 2 * keys.length;
    String[] k = new String[length];
    long[] o = new long[length];
    long[] e = new long[length];
    for (int i = 0; i < count; i++) {
      int s = slot(i);
      k[i] = keys[s];
      o[i] = offsets[s];
      e[i] = expiries[s];
    }
    keys = k;
    offsets = o;
    expiries = e;
    head = 0;
    index = new int[2 * length];
    for (int i = 0; i < count; i++) {
      insert(i);
    }
  }

  private int slot(int i) {
    int s = head + i;
    return s < keys.length ? s : s - keys.length;
  }

  private static int home(String key, int mask) {
    int h = key.hashCode() * 0x9E3779B9;
    return (h ^ (h >>> 16)) & mask;
  }
}
