package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The revisit scenario against a real node: every visit waits for its own {@code subscribed}, or fails. */
class RevisitsIT {

  private final Vertx vertx = Vertx.vertx();
  private HeraldNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      Await.of(node.stop(0), 30);
    }
    Await.of(vertx.close(), 30);
  }

  @Test
  void timesBothVisitsOfEveryChannel() throws Exception {
    node = TestNodes.start(vertx, TestNodes.memory());
    JsonObject r = Revisits.run(BenchOptions.parse(new String[] {"--port", Integer.toString(node.port()),
        "--visits", "3", "--gap-ms", "20"}, 0));
    assertThat(r.getInteger("visits")).isEqualTo(3);
    for (String kind : new String[] {"firstMs", "returnMs"}) {
      JsonObject ms = r.getJsonObject(kind);
      assertThat(ms.getDouble("min")).as(kind).isPositive().isLessThanOrEqualTo(ms.getDouble("p50"));
      assertThat(ms.getDouble("p50")).as(kind).isLessThanOrEqualTo(ms.getDouble("max"));
    }
    assertThat(Report.summary(new JsonObject().put("scenario", "revisit-1").put("target", "herald")
        .put("commit", "c").put("jdk", "j").put("cpus", 2).put("serverFlags", "f").put("subscribers", 1)
        .put("channels", 1).put("revisits", r))).contains("subscribed after, 3 visits: first visit p50 ")
        .contains("back 20 ms after leaving p50 ");
  }

  @Test
  void aRefusedSubscriptionFailsTheRun() {
    // A private namespace needs a token: the node answers the subscribe with an error instead of subscribed.
    node = TestNodes.start(vertx, TestNodes.memory().put("namespaces", new JsonObject().put("revisit", "private")));
    assertThatThrownBy(() -> Revisits.run(BenchOptions.parse(new String[] {"--port",
        Integer.toString(node.port()), "--visits", "1"}, 0))).isInstanceOf(ExecutionException.class)
        .hasMessageContaining("revisit:");
  }
}
