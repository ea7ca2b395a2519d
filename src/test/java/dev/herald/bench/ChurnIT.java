package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.Eventually;
import dev.herald.testing.Http;
import dev.herald.testing.Scrape;
import dev.herald.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The generator's churn ({@code --churn-connections}) against a real node, through its worker processes: every
 * churned subscriber connected, subscribed to the measured channels and left, as the node itself counts them.
 */
@Timeout(120)
class ChurnIT {

  private static final String WS = "websocket";

  private final Vertx vertx = TestNodes.vertxWithMetrics();
  private HeraldNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      Await.of(node.stop(0), 30);
    }
    Await.of(vertx.close(), 30);
  }

  @Test
  void everyChurnedSubscriberComesSubscribesAndLeaves() throws Exception {
    node = TestNodes.start(vertx, TestNodes.memory());
    BenchOptions o = BenchOptions.parse(new String[] {"--port", Integer.toString(node.port()), "--channels", "2",
        "--churn-connections", "30", "--client-heap", "64m"}, 0);

    JsonObject churn = BenchMain.churn(o, null);

    assertThat(churn.getLong("connections")).isEqualTo(30);
    assertThat(churn.getLong("subscribed")).isEqualTo(30);
    assertThat(churn.getLong("failed")).isZero();
    assertThat(churn.getInteger("rounds")).isEqualTo(1);
    try (Http http = new Http(vertx, node.port())) {
      Scrape s = Scrape.of(http);
      assertThat(s.value("herald_transport_connections_opened_total", "transport", WS)).isEqualTo(30);
      // Subscriber i takes channel i mod 2, as the measured fleet's do.
      assertThat(s.value("herald_fanout_channel_registrations_total")).isEqualTo(2);
      Eventually.within(10, () -> {
        Scrape after = Scrape.of(http);
        assertThat(after.value("herald_transport_connections", "transport", WS)).isZero();
        assertThat(after.value("herald_transport_connections_closed_total", "transport", WS)).isEqualTo(30);
        assertThat(after.value("herald_fanout_subscriptions")).isZero();
      });
    }
  }
}
