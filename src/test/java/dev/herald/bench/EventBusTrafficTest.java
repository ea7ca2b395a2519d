package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventBusTrafficTest {

  /** As a clustered Herald node exposes them at GET /metrics (Vert.x 5.0.10, micrometer, Prometheus). */
  private static final String SCRAPE = """
      # HELP vertx_eventbus_bytes_written Number of bytes sent while sending messages to event bus cluster peers
      # TYPE vertx_eventbus_bytes_written summary
      vertx_eventbus_bytes_written_count 63
      vertx_eventbus_bytes_written_sum 15114.0
      # HELP vertx_eventbus_bytes_written_max Number of bytes sent while sending messages to event bus cluster peers
      # TYPE vertx_eventbus_bytes_written_max gauge
      vertx_eventbus_bytes_written_max 249.0
      vertx_eventbus_bytes_read_count 60
      vertx_eventbus_bytes_read_sum 14661.0
      vertx_eventbus_bytes_read_max 245.0
      vertx_eventbus_delivered_total{side="local"} 31.0
      """;

  @Test
  void readsTheEventBusSummaries() {
    assertThat(EventBusTraffic.parse(SCRAPE)).isEqualTo(new EventBusTraffic.Sample(15114, 63, 14661));
  }

  @Test
  void aNodeThatNeverWroteToAnotherCountsZero() {
    assertThat(EventBusTraffic.parse("vertx_eventbus_handlers 2.0\n"))
        .isEqualTo(new EventBusTraffic.Sample(0, 0, 0));
  }

  @Test
  void seriesWithLabelsAreSummedAndLongerNamesIgnored() {
    String text = "vertx_eventbus_bytes_written_sum{side=\"a\"} 10.0\n"
        + "vertx_eventbus_bytes_written_sum{side=\"b\"} 5.0\n"
        + "vertx_eventbus_bytes_written_sum_other 99.0\n";
    assertThat(EventBusTraffic.parse(text).bytesWritten()).isEqualTo(15);
  }

  @Test
  void aStepIsTheDifferenceOfTwoSamples() {
    assertThat(new EventBusTraffic.Sample(300, 3, 290).minus(new EventBusTraffic.Sample(100, 1, 95)))
        .isEqualTo(new EventBusTraffic.Sample(200, 2, 195));
  }
}
