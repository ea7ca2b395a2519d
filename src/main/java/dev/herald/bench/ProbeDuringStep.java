package dev.herald.bench;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The machine probe run again and again while a step's load runs, on a thread of the generator's own: the probe
 * before and after a step has not followed the steps' own drift (a run's steps up to 40 % apart in CPU per
 * delivery, the probe between them steady), so this one times the same work inside the step, by the probing
 * thread's CPU time, which leaves out the time it waited for a core. A walk over memory and a chain of arithmetic
 * each time: if both slow down in the dearer steps, the cores did; if only the walk, the caches or memory did; if
 * neither, the processes under load did more work. Its CPU (about 3 % of one core) counts as the generator's.
 */
final class ProbeDuringStep implements AutoCloseable {

  private static final long PERIOD_MS = 1000;

  private final List<Double> walks = new ArrayList<>();
  private final List<Double> arithmetic = new ArrayList<>();
  private final Thread thread;
  private volatile boolean stopping;

  private ProbeDuringStep() {
    thread = new Thread(this::probe, "machine-probe-during-step");
    thread.setDaemon(true);
  }

  /** Starts probing now, once a second until {@link #close()}. */
  static ProbeDuringStep start() {
    ProbeDuringStep p = new ProbeDuringStep();
    p.thread.start();
    return p;
  }

  private void probe() {
    while (!stopping) {
      double w = MachineProbe.walkCpuMillis();
      double a = MachineProbe.arithmeticCpuMillis();
      synchronized (this) {
        walks.add(w);
        arithmetic.add(a);
      }
      try {
        Thread.sleep(PERIOD_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopping = true;
    thread.interrupt();
    thread.join();
  }

  /**
   * {@code {"runs": n, "walkCpuMs": {"p50", "max"}, "arithmeticCpuMs": {"p50", "max"}}} of the probes so far, the
   * first of each left out when there are more (it includes compiling the work); null figures when none ran.
   */
  synchronized JsonObject json() {
    return new JsonObject().put("runs", walks.size()).put("walkCpuMs", figures(walks))
        .put("arithmeticCpuMs", figures(arithmetic));
  }

  static JsonObject figures(List<Double> runs) {
    List<Double> counted = runs.size() > 1 ? runs.subList(1, runs.size()) : runs;
    return new JsonObject().put("p50", counted.isEmpty() ? null : BenchMain.round(Report.median(counted)))
        .put("max", counted.stream().max(Double::compare).map(BenchMain::round).orElse(null));
  }
}
