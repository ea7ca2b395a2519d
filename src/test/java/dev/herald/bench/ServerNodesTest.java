package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.bench.ProcessProbe.ThreadTicks;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A step's CPU by thread group: each thread's difference of two readings, in seconds of 100 ticks each. */
class ServerNodesTest {

  @Test
  void sumsEachThreadsTicksBetweenTwoReadingsByGroup() {
    Map<Long, ThreadTicks> before = Map.of(
        11L, new ThreadTicks("eventLoop", 100, 400),
        12L, new ThreadTicks("eventLoop", 50, 50),
        20L, new ThreadTicks("gc", 5, 0),
        30L, new ThreadTicks("other", 900, 900),
        40L, new ThreadTicks("other", 70, 0));
    Map<Long, ThreadTicks> after = Map.of(
        11L, new ThreadTicks("eventLoop", 250, 1000),
        12L, new ThreadTicks("eventLoop", 60, 150),
        20L, new ThreadTicks("gc", 45, 1),
        // 30 ended: its 900 + 900 earlier ticks are not taken off "other". 40's id went to a new thread.
        40L, new ThreadTicks("other", 2, 1),
        41L, new ThreadTicks("other", 3, 2));
    assertThat(ServerNodes.threadGroupSeconds(before, after)).isEqualTo(new JsonObject()
        .put("eventLoop", new JsonObject().put("user", 1.6).put("sys", 7.0))
        .put("gc", new JsonObject().put("user", 0.4).put("sys", 0.01))
        .put("other", new JsonObject().put("user", 0.05).put("sys", 0.03)));
  }
}
