package dev.herald.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MarkersTest {

  /** Strings whose hash codes collide ("Aa" and "BB" hash alike), so that probes run long and cross erased cells. */
  private static String colliding(int n) {
    StringBuilder b = new StringBuilder();
    for (int bit = 0; bit < 12; bit++) {
      b.append((n >> bit & 1) == 0 ? "Aa" : "BB");
    }
    return b.toString();
  }

  @Test
  void addsLookupsAndExpiriesAgreeWithAnInsertionOrderedMap() {
    for (long seed = 1; seed <= 20; seed++) {
      Markers markers = new Markers();
      Map<String, long[]> model = new LinkedHashMap<>();
      Random random = new Random(seed);
      List<String> made = new ArrayList<>();
      long now = 0;
      long offset = 0;
      long lastExpiry = 0;
      for (int step = 0; step < 3_000; step++) {
        int op = random.nextInt(10);
        if (op < 5) {
          String key = random.nextBoolean() ? colliding(made.size()) : "entry:" + made.size();
          made.add(key);
          // Markers expire in the order they were made: a later one never expires before an earlier one.
          long expiresAt = Math.max(lastExpiry, now + 1 + random.nextInt(200));
          lastExpiry = expiresAt;
          markers.add(key, ++offset, expiresAt);
          model.put(key, new long[] {offset, expiresAt});
        } else if (op < 7) {
          now += random.nextInt(30);
          markers.forgetBefore(now);
          Iterator<long[]> it = model.values().iterator();
          while (it.hasNext() && it.next()[1] <= now) {
            it.remove();
          }
        } else if (!made.isEmpty()) {
          String key = made.get(random.nextInt(made.size()));
          long[] held = model.get(key);
          assertThat(markers.offsetOf(key)).as("seed %d step %d key %s", seed, step, key)
              .isEqualTo(held == null ? Markers.NONE : held[0]);
        }
        assertThat(markers.count()).as("seed %d step %d", seed, step).isEqualTo(model.size());
      }
      for (String key : made) {
        long[] held = model.get(key);
        assertThat(markers.offsetOf(key)).as("seed %d, at the end, key %s", seed, key)
            .isEqualTo(held == null ? Markers.NONE : held[0]);
      }
    }
  }

  @Test
  void clearForgetsEveryKey() {
    Markers markers = new Markers();
    for (int i = 1; i <= 100; i++) {
      markers.add("k" + i, i, 10);
    }
    assertThat(markers.offsetOf("k77")).isEqualTo(77);
    markers.clear();
    assertThat(markers.count()).isZero();
    assertThat(markers.offsetOf("k77")).isEqualTo(Markers.NONE);
  }
}
