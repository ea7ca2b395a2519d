package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeDuringStepTest {

  @Test
  void probesUntilClosedAndReportsTheProbingThreadsCpu() throws Exception {
    ProbeDuringStep probe = ProbeDuringStep.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (probe.json().getInteger("runs") < 2 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    probe.close();
    JsonObject json = probe.json();
    int runs = json.getInteger("runs");
    assertThat(runs).isGreaterThanOrEqualTo(2);
    JsonObject f = json.getJsonObject("arithmeticCpuMs");
    assertThat(f.getDouble("p50")).isPositive();
    assertThat(f.getDouble("max")).isGreaterThanOrEqualTo(f.getDouble("p50"));
    // Closed means stopped: no probe runs after close() returned.
    assertThat(probe.json().getInteger("runs")).isEqualTo(runs);
  }

  @Test
  void theFirstRunIsLeftOutWhenThereAreMore() {
    JsonObject f = ProbeDuringStep.figures(List.of(90.0, 10.0, 30.0));
    assertThat(f.getDouble("p50")).isEqualTo(20.0);
    assertThat(f.getDouble("max")).isEqualTo(30.0);
    assertThat(ProbeDuringStep.figures(List.of(7.0)).getDouble("p50")).isEqualTo(7.0);
    JsonObject none = ProbeDuringStep.figures(List.of());
    assertThat(none.getValue("p50")).isNull();
    assertThat(none.getValue("max")).isNull();
  }
}
