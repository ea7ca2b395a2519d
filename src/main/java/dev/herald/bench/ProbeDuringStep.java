package dev.herald.bench;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A chain of arithmetic in registers ({@link MachineProbe#arithmeticCpuMillis}) timed once a second while a step's
 * load runs, on a thread of the generator's own, by that thread's CPU time, which leaves out the time it waited for
 * a core: it rises when the cores themselves run slower (a lower clock, a busy hyperthread sibling on the host, a
 * vCPU the host stopped, which a guest without steal time counts as run), not with the caches the load shares with
 * it. About 0.7 % of one core, counted as the generator's CPU. The memory walk is not run here: during a step its
 * time followed the load's own use of the caches, and with it the probe cost the generator up to 2.3 s of CPU a 20 s
 * step (BENCHMARKS.md, "The machine probed during the steps and between them").
 */
final class ProbeDuringStep implements AutoCloseable {

  private static final long PERIOD_MS = 1000;

  private final List<Double> arithmetic = new ArrayList<>();
  private final Thread thread;

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
    // Stopped by close()'s interrupt: at the sleep, or before the next run when it came during one.
    while (!Thread.currentThread().isInterrupted()) {
      double a = MachineProbe.arithmeticCpuMillis();
      synchronized (this) {
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
    thread.interrupt();
    thread.join();
  }

  /**
   * {@code {"runs": n, "arithmeticCpuMs": {"p50", "max"}}} of the probes so far, the first left out when there are
   * more (it includes compiling the work); null figures when none ran.
   */
  synchronized JsonObject json() {
    return new JsonObject().put("runs", arithmetic.size()).put("arithmeticCpuMs", figures(arithmetic));
  }

  static JsonObject figures(List<Double> runs) {
    List<Double> counted = runs.size() > 1 ? runs.subList(1, runs.size()) : runs;
    return new JsonObject().put("p50", counted.isEmpty() ? null : BenchMain.round(Report.median(counted)))
        .put("max", counted.stream().max(Double::compare).map(BenchMain::round).orElse(null));
  }
}
