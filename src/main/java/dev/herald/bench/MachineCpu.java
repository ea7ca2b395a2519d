package dev.herald.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole machine's CPU time, read from {@code /proc} before and after a step. The server's and the generator's
 * own CPU leave out work that neither is charged for: on loopback a receiving socket's TCP runs in the time of
 * whoever holds the core when the segment arrives, and the work the kernel defers to its {@code ksoftirqd} threads
 * is charged to no process measured. The machine's busy time is what a step cost everything that ran.
 */
final class MachineCpu {

  /** The name of the kernel's per-CPU softirq threads: {@code ksoftirqd/0}, {@code ksoftirqd/1}, … */
  static final String SOFTIRQ_THREAD = "ksoftirqd/";

  private MachineCpu() {
  }

  /**
   * One reading: the monotonic clock, the CPUs, their idle time (idle and iowait) in ticks and the {@code ksoftirqd}
   * threads' CPU in nanoseconds.
   */
  record Reading(long nanos, int cpus, long idleTicks, long softirqThreadNanos) {

    /**
     * All CPUs' busy time since {@code before}: wall time on every CPU less their idle time. Not the busy columns
     * of {@code /proc/stat}: those are sampled at the timer tick, and a thread that runs between ticks (a light
     * step's short bursts) goes uncounted, while the idle time is measured as the CPU enters and leaves idle.
     */
    double busySecondsSince(Reading before) {
      return (nanos - before.nanos) * (double) cpus / 1e9
          - (double) (idleTicks - before.idleTicks) / ProcessProbe.TICKS_PER_SECOND;
    }

    double softirqThreadSecondsSince(Reading before) {
      return (softirqThreadNanos - before.softirqThreadNanos) / 1e9;
    }
  }

  /** A reading now, or null where {@code /proc/stat} cannot be read (not Linux). */
  static Reading read() {
    try {
      String stat = Files.readString(Path.of("/proc/stat"));
      long nanos = System.nanoTime();
      return new Reading(nanos, cpus(stat), idleTicks(stat), ProcessProbe.cpuNanosOfNamed(SOFTIRQ_THREAD));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Idle plus iowait of all CPUs, the fourth and fifth numbers of the first line of {@code /proc/stat}. */
  static long idleTicks(String procStat) {
    String first = procStat.substring(0, procStat.indexOf('\n'));
    String[] f = first.trim().split("\\s+");
    if (!f[0].equals("cpu") || f.length < 6) {
      throw new IllegalArgumentException("/proc/stat does not start with the cpu line: " + first);
    }
    return Long.parseLong(f[4]) + Long.parseLong(f[5]);
  }

  /** The CPUs online: the {@code cpu<N>} lines of {@code /proc/stat}. */
  static int cpus(String procStat) {
    int n = 0;
    for (String line : procStat.split("\n")) {
      if (line.startsWith("cpu") && line.length() > 3 && Character.isDigit(line.charAt(3))) {
        n++;
      }
    }
    return n;
  }
}
