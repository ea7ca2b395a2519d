package dev.herald.bench;

import java.util.Arrays;

/**
 * A fixed piece of work timed on the generator's thread before and after each step, when no load runs: how fast
 * the machine was then. On a shared VM the same step has cost both server and client up to twice the CPU from one
 * run to the next; a probe that slows down with them says the machine did, one that does not says the processes
 * did.
 */
final class MachineProbe {

  /** 4 MB: more than a core's own caches, so the walk also reads memory. */
  private static final int SLOTS = 1 << 19;
  private static final int STEPS = 1_000_000;
  private static final int RUNS = 7;
  private static final long[] TABLE = new long[SLOTS];

  static {
    for (int i = 0; i < SLOTS; i++) {
      TABLE[i] = i * 0x9E3779B97F4A7C15L;
    }
  }

  private MachineProbe() {
  }

  /** The median wall time of {@link #RUNS} runs of the same work, ms (the first runs include compiling it). */
  static double millis() {
    double[] ms = new double[RUNS];
    long sink = 0;
    for (int r = 0; r < RUNS; r++) {
      long t0 = System.nanoTime();
      sink += walk();
      ms[r] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    // Kept so the JIT cannot drop the work.
    if (sink == 42) {
      System.out.print("");
    }
    return ms[RUNS / 2];
  }

  /** A dependent random walk over the table: each slot read decides the next. */
  private static long walk() {
    long x = 1;
    int i = 0;
    for (int s = 0; s < STEPS; s++) {
      x = x * 6364136223846793005L + TABLE[i];
      i = (int) (x >>> 45) & (SLOTS - 1);
    }
    return x;
  }
}
