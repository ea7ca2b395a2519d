package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class FirstDeliveriesTest {

  @Test
  void eachMessageKeepsItsEarliestDeliveryOnly() {
    FirstDeliveries f = new FirstDeliveries(2);
    // Channel 0: message 1 reaches three subscribers, then message 2 two; channel 1 has its own message 1.
    f.record(0, 1, 500);
    f.record(0, 1, 900);
    f.record(0, 1, 1_400);
    f.record(0, 2, 300);
    f.record(0, 2, 700);
    f.record(1, 1, 8_000);
    Map<Long, Long> lowest = new HashMap<>();
    FirstDeliveries.merge(lowest, f.drain());
    assertThat(lowest).hasSize(3);
    assertThat(lowest.values()).containsExactlyInAnyOrder(500L, 300L, 8_000L);
    assertThat(f.drain()).as("drained").isEmpty();
  }

  @Test
  void threadsAndProcessesMergeByTheLowest() throws Exception {
    FirstDeliveries f = new FirstDeliveries(1);
    f.record(0, 1, 900);
    CountDownLatch done = new CountDownLatch(1);
    // Another reading thread saw the same message earlier, and a message this thread never saw.
    new Thread(() -> {
      f.record(0, 1, 400);
      f.record(0, 2, 600);
      done.countDown();
    }).start();
    done.await();
    Map<Long, Long> lowest = new HashMap<>();
    FirstDeliveries.merge(lowest, FirstDeliveries.decode(FirstDeliveries.encode(f.drain())));
    // A second process's view: message 2 arrived there first.
    FirstDeliveries.merge(lowest, new long[] {2L, 250L});
    Histogram h = FirstDeliveries.histogram(lowest);
    assertThat(h.getTotalCount()).isEqualTo(2);
    assertThat(h.getMinValue()).isEqualTo(250);
    assertThat(h.getMaxValue()).isBetween(400L, 401L);
  }

  @Test
  void noMessagesIsOneWordToo() {
    assertThat(FirstDeliveries.encode(new long[0])).isEqualTo("-");
    assertThat(FirstDeliveries.decode("-")).isEmpty();
  }
}
