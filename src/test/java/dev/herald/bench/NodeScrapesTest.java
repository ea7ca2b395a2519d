package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NodeScrapesTest {

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
      # HELP jvm_gc_pause_seconds Time spent in GC pause
      # TYPE jvm_gc_pause_seconds summary
      jvm_gc_pause_seconds_count{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} 12
      jvm_gc_pause_seconds_sum{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} 0.25
      jvm_gc_pause_seconds_count{action="end of major GC",cause="System.gc()",gc="G1 Old Generation"} 1
      jvm_gc_pause_seconds_sum{action="end of major GC",cause="System.gc()",gc="G1 Old Generation"} 0.125
      # HELP jvm_gc_pause_seconds_max Time spent in GC pause
      # TYPE jvm_gc_pause_seconds_max gauge
      jvm_gc_pause_seconds_max{action="end of minor GC",cause="G1 Evacuation Pause",gc="G1 Young Generation"} 0.04
      herald_transport_connections_closed_total{transport="websocket"} 5.0
      herald_transport_connections_closed_total{transport="sse"} 2.0
      herald_delivery_dropped_messages_total 3.0
      herald_fanout_catch_up_switches_total 4.0
      herald_limit_hits_total{limit="stallTimeoutMs"} 1.0
      herald_limit_hits_total{limit="maxFrameBytes"} 6.0
      herald_fanout_history_reads_total 9.0
      herald_fanout_history_read_failures_total 2.0
      herald_commit_messages_total 400.0
      herald_delivery_messages_total{transport="websocket"} 3900.0
      herald_delivery_messages_total{transport="sse"} 100.0
      """;

  @Test
  void readsTheEventBusAndGcSummaries() {
    assertThat(NodeScrapes.parse(SCRAPE))
        .isEqualTo(new NodeScrapes.Sample(15114, 63, 14661, 13, 0.375, 7, 3, 4, 7, 9, 2, 400, 4000));
  }

  @Test
  void theDeliveryLatencyBucketsGiveTheStepsQuantilesAsBucketBounds() {
    String before = latency(0, 0, 0, 0);
    String after = latency(50, 90, 99, 100);
    NodeScrapes.Sample step = NodeScrapes.parse(after).minus(NodeScrapes.parse(before));
    assertThat(step.deliveriesTimed()).isEqualTo(100);
    assertThat(step.latencyQuantileMs(0.5)).isEqualTo(1.0);
    assertThat(step.latencyQuantileMs(0.9)).isEqualTo(5.0);
    assertThat(step.latencyQuantileMs(0.99)).isEqualTo(25.0);
    assertThat(step.latencyQuantileMs(0.999)).isInfinite();
    NodeScrapes.Sample later = NodeScrapes.parse(latency(150, 190, 199, 200)).minus(NodeScrapes.parse(after));
    assertThat(later.latencyQuantileMs(0.5)).isEqualTo(1.0);
    assertThat(NodeScrapes.Sample.ZERO.latencyQuantileMs(0.5)).isNull();
  }

  /** The histogram as two series (the buckets are summed), cumulative counts at 1 ms, 5 ms, 25 ms and +Inf. */
  private static String latency(long ms1, long ms5, long ms25, long all) {
    StringBuilder sb = new StringBuilder("# TYPE herald_delivery_latency_seconds histogram\n");
    long[] counts = {ms1, ms5, ms25, all};
    String[] bounds = {"0.001", "0.005", "0.025", "+Inf"};
    for (String series : new String[] {"a", "b"}) {
      for (int i = 0; i < bounds.length; i++) {
        long c = series.equals("a") ? counts[i] - counts[i] / 2 : counts[i] / 2;
        sb.append("herald_delivery_latency_seconds_bucket{s=\"").append(series).append("\",le=\"").append(bounds[i])
            .append("\"} ").append(c).append(".0\n");
      }
    }
    return sb.append("herald_delivery_latency_seconds_count ").append(all).append(".0\n").toString();
  }

  @Test
  void aNodeThatNeverWroteToAnotherCountsZero() {
    assertThat(NodeScrapes.parse("vertx_eventbus_handlers 2.0\n"))
        .isEqualTo(NodeScrapes.Sample.ZERO);
  }

  @Test
  void seriesWithLabelsAreSummedAndLongerNamesIgnored() {
    String text = "vertx_eventbus_bytes_written_sum{side=\"a\"} 10.0\n"
        + "vertx_eventbus_bytes_written_sum{side=\"b\"} 5.0\n"
        + "vertx_eventbus_bytes_written_sum_other 99.0\n";
    assertThat(NodeScrapes.parse(text).bytesWritten()).isEqualTo(15);
  }

  @Test
  void aStepIsTheDifferenceOfTwoSamples() {
    assertThat(new NodeScrapes.Sample(300, 3, 290, 7, 0.5, 9, 8, 7, 6, 5, 4, 20, 200)
        .minus(new NodeScrapes.Sample(100, 1, 95, 4, 0.25, 1, 2, 3, 4, 5, 1, 5, 50)))
        .isEqualTo(new NodeScrapes.Sample(200, 2, 195, 3, 0.25, 8, 6, 4, 2, 0, 3, 15, 150));
  }

  @Test
  void aStepOfSeveralNodesSumsEachNodesDifference() {
    List<NodeScrapes.Sample> before = List.of(new NodeScrapes.Sample(10, 1, 10, 1, 0.5, 1, 0, 0, 0, 1, 0, 1, 10),
        NodeScrapes.Sample.ZERO);
    List<NodeScrapes.Sample> after = List.of(new NodeScrapes.Sample(30, 2, 15, 3, 0.75, 3, 1, 0, 0, 4, 1, 2, 20),
        new NodeScrapes.Sample(5, 1, 20, 1, 0.125, 1, 0, 2, 1, 2, 0, 3, 30));
    assertThat(NodeScrapes.sum(before, after)).isEqualTo(
        new NodeScrapes.Sample(25, 2, 25, 3, 0.375, 3, 1, 2, 1, 5, 1, 4, 40));
  }
}
