package dev.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.Eventually;
import dev.herald.testing.Http;
import dev.herald.testing.Scrape;
import dev.herald.testing.TestNodes;
import dev.herald.testing.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} against a real node on the memory engine: every meter at zero first, then exact counts. */
class MetricsIT {

  private static final String WS = "websocket";

  private Vertx vertx;
  private HeraldNode node;
  private Http http;
  private final List<WsTestClient> clients = new ArrayList<>();

  private void start(JsonObject tree) {
    vertx = TestNodes.vertxWithMetrics();
    node = TestNodes.start(vertx, tree);
    http = new Http(vertx, node.port());
  }

  @AfterEach
  void stop() {
    clients.forEach(WsTestClient::close);
    if (http != null) {
      http.close();
    }
    if (node != null) {
      Await.of(node.stop(0), 30);
    }
    Await.of(vertx.close(), 30);
  }

  private Scrape scrape() {
    return Scrape.of(http);
  }

  private WsTestClient subscriber(String channel) {
    WsTestClient c = WsTestClient.connect(vertx, node.port(), "/ws?channels=" + channel);
    clients.add(c);
    c.nextOp("subscribed");
    return c;
  }

  @Test
  void everyHeraldMeterShowsAtZeroBeforeTraffic() {
    start(TestNodes.memory());
    Scrape s = scrape();
    for (String t : List.of(WS, "sockjs", "sse", "longpoll")) {
      assertThat(s.value("herald_transport_connections", "transport", t)).isZero();
      assertThat(s.value("herald_transport_connections_opened_total", "transport", t)).isZero();
      assertThat(s.value("herald_transport_connections_closed_total", "transport", t)).isZero();
      assertThat(s.value("herald_transport_connections_cut_total", "transport", t)).isZero();
    }
    for (String counter : List.of("herald_ingest_messages_total", "herald_format_messages_total",
        "herald_commit_messages_total", "herald_delivery_messages_total", "herald_delivery_dropped_messages_total",
        "herald_ingest_dead_lettered_messages_total", "herald_fanout_catch_up_switches_total",
        "herald_fanout_history_reads_total", "herald_fanout_history_read_failures_total",
        "herald_delivery_latency_seconds_count", "herald_commit_latency_seconds_count",
        "herald_fanout_subscriptions", "herald_fanout_channels", "herald_fanout_channel_registrations_total",
        "herald_ingest_pending_entries",
        "herald_ingest_lag_entries")) {
      assertThat(s.value(counter)).as(counter).isZero();
    }
    for (String limit : List.of("maxFrameBytes", "maxChannelsPerConnection", "subscribesPerSecond",
        "badFramesPerMinute", "stallTimeoutMs")) {
      assertThat(s.value("herald_limit_hits_total", "limit", limit)).isZero();
    }
    assertThat(s.has("herald_delivery_latency_seconds_bucket{le=\"0.1\"}")).isTrue();
    assertThat(s.has("vertx_http_server")).as("Vert.x's own HTTP metrics").isTrue();
  }

  @Test
  void jvmMetersShowMemoryAndCountEveryGcPause() {
    start(TestNodes.memory());
    Scrape before = scrape();
    assertThat(before.sum("jvm_memory_used_bytes{area=\"heap\"")).isPositive();
    assertThat(before.has("jvm_threads_live_threads")).isTrue();
    assertThat(before.has("process_cpu_usage")).isTrue();
    double pauses = before.sum("jvm_gc_pause_seconds_count");
    System.gc();
    Eventually.within(10, () -> assertThat(scrape().sum("jvm_gc_pause_seconds_count")).isGreaterThan(pauses));
  }

  @Test
  void countersMoveByExactlyWhatWasPublishedAndDelivered() {
    start(TestNodes.memory());
    int n = 7;
    int k = 3;
    for (int i = 0; i < k; i++) {
      subscriber("thread:77");
    }
    WsTestClient bystander = subscriber("thread:78");
    for (int i = 1; i <= n; i++) {
      assertThat(http.post("/api/publish",
          new JsonObject().put("channel", "thread:77").put("data", i).encode()).status()).isEqualTo(202);
    }
    for (WsTestClient c : clients.subList(0, k)) {
      assertThat(c.messages(n)).extracting(m -> m.getInteger("data")).containsExactly(1, 2, 3, 4, 5, 6, 7);
    }
    Scrape s = Eventually.get(10, () -> {
      Scrape now = scrape();
      assertThat(now.value("herald_commit_messages_total")).isEqualTo(n);
      return now;
    });
    assertThat(s.value("herald_ingest_messages_total")).isEqualTo(n);
    assertThat(s.value("herald_format_messages_total")).isEqualTo(n);
    assertThat(s.value("herald_commit_latency_seconds_count")).isEqualTo(n);
    assertThat(s.value("herald_delivery_messages_total")).isEqualTo(n * k);
    assertThat(s.value("herald_delivery_latency_seconds_count")).isEqualTo(n * k);
    assertThat(s.value("herald_delivery_latency_seconds_bucket{le=\"+Inf\"}")).isEqualTo(n * k);
    assertThat(s.value("herald_delivery_dropped_messages_total")).isZero();
    assertThat(s.value("herald_transport_connections", "transport", WS)).isEqualTo(k + 1);
    assertThat(s.value("herald_transport_connections_opened_total", "transport", WS)).isEqualTo(k + 1);
    assertThat(s.value("herald_fanout_subscriptions")).isEqualTo(k + 1);
    assertThat(s.value("herald_fanout_channels")).isEqualTo(2);
    assertThat(s.value("herald_fanout_channel_registrations_total")).isEqualTo(2);

    bystander.close();
    clients.remove(bystander);
    Eventually.within(10, () -> {
      Scrape after = scrape();
      assertThat(after.value("herald_transport_connections", "transport", WS)).isEqualTo(k);
      assertThat(after.value("herald_transport_connections_closed_total", "transport", WS)).isEqualTo(1);
      assertThat(after.value("herald_fanout_subscriptions")).isEqualTo(k);
      assertThat(after.value("herald_fanout_channels")).isEqualTo(1);
    });
    // Unclustered, the channel's registration went with its last subscriber: the next one makes another.
    subscriber("thread:78");
    Scrape again = scrape();
    assertThat(again.value("herald_fanout_channels")).isEqualTo(2);
    assertThat(again.value("herald_fanout_channel_registrations_total")).isEqualTo(3);
  }

  @Test
  void limitHitsAreCountedByLimit() {
    start(TestNodes.memory());
    WsTestClient c = WsTestClient.connect(vertx, node.port(), "/ws");
    clients.add(c);
    c.nextOp("hello");
    c.sendText("x".repeat(70_000));
    assertThat(c.nextOp("error").getString("code")).isEqualTo("too_large");
    Scrape s = scrape();
    assertThat(s.value("herald_limit_hits_total", "limit", "maxFrameBytes")).isEqualTo(1);
    assertThat(s.value("herald_limit_hits_total", "limit", "maxChannelsPerConnection")).isZero();
  }

  @Test
  void metricsPortMovesTheScrapeToAServerOfItsOwn() throws Exception {
    int metricsPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      metricsPort = socket.getLocalPort();
    }
    start(TestNodes.memory().put("metrics", new JsonObject().put("port", metricsPort)));
    assertThat(node.metricsPort()).isEqualTo(metricsPort);
    assertThat(http.get("/metrics").status()).isEqualTo(404);
    try (Http separate = new Http(vertx, metricsPort)) {
      Http.Reply r = separate.get("/metrics");
      assertThat(r.status()).isEqualTo(200);
      assertThat(Scrape.parse(r.body()).value("herald_delivery_messages_total")).isZero();
    }
  }

  @Test
  void nodeOnVertxWithoutMetricsStillServesItsOwnMeters() {
    vertx = Vertx.vertx();
    node = TestNodes.start(vertx, TestNodes.memory());
    http = new Http(vertx, node.port());
    assertThat(scrape().value("herald_ingest_messages_total")).isZero();
  }
}
