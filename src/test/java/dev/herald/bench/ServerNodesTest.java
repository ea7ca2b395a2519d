package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A step's CPU by thread group is the difference of two readings, in seconds of 100 ticks each. */
class ServerNodesTest {

  @Test
  void subtractsTwoReadingsPerGroupAndCountsAGroupFirstSeenAfterwardsWhole() {
    Map<String, long[]> before = Map.of("eventLoop", new long[] {100, 400}, "gc", new long[] {5, 0});
    Map<String, long[]> after = Map.of("eventLoop", new long[] {250, 1000}, "gc", new long[] {45, 1},
        "other", new long[] {3, 2});
    JsonObject seconds = ServerNodes.threadGroupSeconds(before, after);
    assertThat(seconds).isEqualTo(new JsonObject()
        .put("eventLoop", new JsonObject().put("user", 1.5).put("sys", 6.0))
        .put("gc", new JsonObject().put("user", 0.4).put("sys", 0.01))
        .put("other", new JsonObject().put("user", 0.03).put("sys", 0.02)));
  }
}
