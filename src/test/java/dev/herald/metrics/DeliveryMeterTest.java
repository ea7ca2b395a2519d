package dev.herald.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.herald.testing.Scrape;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeliveryMeterTest {

  private static final Duration[] SLOS = {Duration.ofMillis(5), Duration.ofMillis(100), Duration.ofSeconds(1)};
  private static final String LATENCY = "test_delivery_latency_seconds";

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private DeliveryMeter.Spec spec() {
    return new DeliveryMeter.Spec("test_delivery_messages", "frames", "test_delivery_latency", "latency", SLOS,
        Duration.ofMillis(1), Duration.ofSeconds(30), now::get);
  }

  private Scrape scrape() {
    return Scrape.parse(registry.scrape());
  }

  @Test
  void threadsRecordingAtOnceLoseNothing() throws Exception {
    DeliveryMeter meter = DeliveryMeter.acquire(registry, spec());
    int threads = 4;
    int each = 50_000;
    CountDownLatch start = new CountDownLatch(1);
    Thread[] ts = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      ts[t] = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < each; i++) {
          meter.delivered(now.get() - 3, 1); // live, 3 ms
          meter.delivered(0, 1); // a replay: counted, no latency
        }
      });
      ts[t].start();
    }
    start.countDown();
    for (Thread t : ts) {
      t.join();
    }
    Scrape s = scrape();
    assertThat(s.value("test_delivery_messages_total")).isEqualTo(2.0 * threads * each);
    assertThat(s.value(LATENCY + "_count")).isEqualTo((double) threads * each);
    assertThat(s.value(LATENCY + "_bucket{le=\"+Inf\"}")).isEqualTo((double) threads * each);
    assertThat(s.value(LATENCY + "_bucket{le=\"0.005\"}")).isEqualTo((double) threads * each);
    assertThat(s.value(LATENCY + "_bucket{le=\"0.001\"}")).isZero();
    assertThat(s.value(LATENCY + "_sum")).isCloseTo(threads * each * 0.003, offset(1e-6));
    meter.release();
  }

  @Test
  void aLatencyOnABoundCountsInThatBucketAndOneBeyondTheLastInInf() {
    DeliveryMeter meter = DeliveryMeter.acquire(registry, spec());
    meter.delivered(now.get() - 100, 1);
    meter.delivered(now.get() - 101, 1);
    meter.delivered(now.get() - 40_000, 1);
    meter.delivered(now.get() + 5, 1); // a producer clock ahead of ours: 0, not negative
    Scrape s = scrape();
    assertThat(s.value(LATENCY + "_bucket{le=\"0.001\"}")).isEqualTo(1);
    assertThat(s.value(LATENCY + "_bucket{le=\"0.1\"}")).isEqualTo(2);
    assertThat(s.value(LATENCY + "_bucket{le=\"30.0\"}")).isEqualTo(3);
    assertThat(s.value(LATENCY + "_bucket{le=\"+Inf\"}")).isEqualTo(4);
    assertThat(s.value(LATENCY + "_sum")).isCloseTo(40.201, offset(1e-9));
    meter.release();
  }

  @Test
  void aBatchCountsEachOfItsDeliveriesAtTheBatchsLatency() {
    DeliveryMeter meter = DeliveryMeter.acquire(registry, spec());
    meter.delivered(now.get() - 42, 64);
    meter.delivered(0, 10);
    Scrape s = scrape();
    assertThat(s.value("test_delivery_messages_total")).isEqualTo(74);
    assertThat(s.value(LATENCY + "_count")).isEqualTo(64);
    assertThat(s.value(LATENCY + "_bucket{le=\"0.005\"}")).isZero();
    assertThat(s.value(LATENCY + "_bucket{le=\"0.1\"}")).isEqualTo(64);
    assertThat(s.value(LATENCY + "_sum")).isCloseTo(64 * 0.042, offset(1e-9));
    assertThat(s.value(LATENCY + "_max")).isEqualTo(0.042);
    meter.release();
  }

  @Test
  void bucketsAreThoseOfAMicrometerTimerWithTheSameSettings() {
    DeliveryMeter meter = DeliveryMeter.acquire(registry, spec());
    PrometheusMeterRegistry other = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Timer.builder("test_delivery_latency").publishPercentileHistogram().serviceLevelObjectives(SLOS)
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30)).register(other)
        .record(42, TimeUnit.MILLISECONDS);
    meter.delivered(now.get() - 42, 1);
    assertThat(bucketLines(registry.scrape())).isEqualTo(bucketLines(other.scrape())).hasSizeGreaterThan(60);
    meter.release();
  }

  private static List<String> bucketLines(String scrape) {
    return Arrays.stream(scrape.split("\n")).filter(l -> l.startsWith(LATENCY + "_bucket")).toList();
  }

  @Test
  void maxIsTheLargestOfThisMinuteAndTheLast() {
    DeliveryMeter meter = DeliveryMeter.acquire(registry, spec());
    assertThat(scrape().value(LATENCY + "_max")).isZero();
    meter.delivered(now.get() - 500, 1);
    meter.delivered(now.get() - 20, 1);
    assertThat(scrape().value(LATENCY + "_max")).isEqualTo(0.5);
    now.addAndGet(60_000);
    meter.delivered(now.get() - 30, 1);
    assertThat(scrape().value(LATENCY + "_max")).isEqualTo(0.5);
    now.addAndGet(60_000);
    assertThat(scrape().value(LATENCY + "_max")).isEqualTo(0.03);
    now.addAndGet(60_000);
    assertThat(scrape().value(LATENCY + "_max")).isZero();
    meter.delivered(now.get() - 7, 1);
    assertThat(scrape().value(LATENCY + "_max")).isEqualTo(0.007);
    meter.release();
  }

  @Test
  void usersOfOneRegistryShareTheMeterUntilTheLastReleasesIt() {
    DeliveryMeter first = DeliveryMeter.acquire(registry, spec());
    DeliveryMeter second = DeliveryMeter.acquire(registry, spec());
    assertThat(second).isSameAs(first);
    first.delivered(now.get() - 1, 1);
    first.release();
    assertThat(scrape().value(LATENCY + "_count")).isEqualTo(1);
    assertThat(scrape().value("test_delivery_messages_total")).isEqualTo(1);
    second.release();
    assertThat(scrape().has(LATENCY)).isFalse();
    assertThat(scrape().has("test_delivery_messages")).isFalse();
    DeliveryMeter again = DeliveryMeter.acquire(registry, spec());
    assertThat(again).isNotSameAs(first);
    assertThat(scrape().value(LATENCY + "_count")).isZero();
    again.release();
  }

  @Test
  void aNodeClosingItsMetersTwiceLeavesTheSharedMeterToTheOtherNode() {
    HeraldMetrics a = new HeraldMetrics(registry);
    HeraldMetrics b = new HeraldMetrics(registry);
    a.close();
    a.close();
    b.delivered(System.currentTimeMillis() - 1, 1);
    assertThat(scrape().value("herald_delivery_latency_seconds_count")).isEqualTo(1);
    b.close();
    assertThat(scrape().has("herald_delivery_latency_seconds")).isFalse();
  }

  @Test
  void onARegistryOtherThanPrometheusTheLatencyIsAFunctionTimer() {
    SimpleMeterRegistry simple = new SimpleMeterRegistry();
    DeliveryMeter meter = DeliveryMeter.acquire(simple, spec());
    meter.delivered(now.get() - 40, 1);
    meter.delivered(0, 1);
    assertThat(simple.get("test_delivery_messages").functionCounter().count()).isEqualTo(2);
    assertThat(simple.get("test_delivery_latency").functionTimer().count()).isEqualTo(1);
    assertThat(simple.get("test_delivery_latency").functionTimer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40);
    meter.release();
    assertThat(simple.getMeters()).isEmpty();
  }
}
