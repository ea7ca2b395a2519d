package dev.herald.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Which steps of a comparison ran on a quiet machine, by the probes taken around each step: the walk over memory
 * ({@code machineProbeMs}) and the loopback round trips ({@code loopbackProbeCpuMs}). On a shared host the same
 * build's CPU per delivery spreads by half between steps, and the dear steps mostly met slow probes
 * (BENCHMARKS.md, "The machine probed during the steps and between them"); comparing the quiet steps of both servers
 * compares them on the same machine. A step is quiet when the slower of each probe's two readings is within a
 * factor of the fastest reading of that probe in all the steps compared: the floors are the run's own, so no
 * machine's absolute speed is built in.
 */
final class QuietSteps {

  /** Above the walk's own spread measured with nothing else running (16–20 ms, BENCHMARKS.md). */
  static final double WALK_FACTOR = 1.4;
  /** Above the loopback probe's own spread measured with nothing else running (31.9–35.0 ms). */
  static final double LOOPBACK_FACTOR = 1.2;

  private final double walkFloor;
  private final double loopbackFloor;

  private QuietSteps(double walkFloor, double loopbackFloor) {
    this.walkFloor = walkFloor;
    this.loopbackFloor = loopbackFloor;
  }

  /** The floors of all the steps given; null when a step lacks either probe, so no step can be called quiet. */
  static QuietSteps of(List<JsonArray> stepArrays) {
    double walk = Double.POSITIVE_INFINITY;
    double loopback = Double.POSITIVE_INFINITY;
    for (JsonArray steps : stepArrays) {
      for (int i = 0; i < steps.size(); i++) {
        JsonObject step = steps.getJsonObject(i);
        JsonObject w = step.getJsonObject("machineProbeMs");
        JsonObject l = step.getJsonObject("loopbackProbeCpuMs");
        if (w == null || l == null) {
          return null;
        }
        walk = Math.min(walk, Math.min(w.getDouble("before"), w.getDouble("after")));
        loopback = Math.min(loopback, Math.min(l.getDouble("before"), l.getDouble("after")));
      }
    }
    // No steps leave the floors infinite.
    return Double.isFinite(walk) && walk > 0 && loopback > 0 ? new QuietSteps(walk, loopback) : null;
  }

  boolean isQuiet(JsonObject step) {
    return slower(step.getJsonObject("machineProbeMs")) <= walkFloor * WALK_FACTOR
        && slower(step.getJsonObject("loopbackProbeCpuMs")) <= loopbackFloor * LOOPBACK_FACTOR;
  }

  private static double slower(JsonObject probe) {
    return Math.max(probe.getDouble("before"), probe.getDouble("after"));
  }
}
