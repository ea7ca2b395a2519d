package dev.herald.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The whole machine's CPU time, read from {@code /proc} before and after a step. The server's and the generator's
 * own CPU leave out work that neither is charged for: on loopback a receiving socket's TCP runs in the time of
 * whoever holds the core when the segment arrives, and the work the kernel defers to its {@code ksoftirqd} threads
 * is charged to no process measured. The machine's busy time is what a step cost everything that ran.
 */
final class MachineCpu {

  /** Clock ticks per second of {@code /proc/stat} and {@code /proc/<pid>/stat} ({@code getconf CLK_TCK}). */
  private static final long TICKS_PER_SECOND = 100;

  private MachineCpu() {
  }

  /**
   * One reading: the monotonic clock, the CPUs, their idle time (idle and iowait) and the {@code ksoftirqd}
   * threads' CPU, both in ticks.
   */
  record Reading(long nanos, int cpus, long idleTicks, long softirqThreadTicks) {

    /**
     * All CPUs' busy time since {@code before}: wall time on every CPU less their idle time. Not the busy columns
     * of {@code /proc/stat}: those are sampled at the timer tick, and a thread that runs between ticks (a light
     * step's short bursts) goes uncounted, while the idle time is measured as the CPU enters and leaves idle.
     */
    double busySecondsSince(Reading before) {
      return (nanos - before.nanos) * (double) cpus / 1e9 - (double) (idleTicks - before.idleTicks) / TICKS_PER_SECOND;
    }

    double softirqThreadSecondsSince(Reading before) {
      return (double) (softirqThreadTicks - before.softirqThreadTicks) / TICKS_PER_SECOND;
    }
  }

  /** A reading now, or null where {@code /proc/stat} cannot be read (not Linux). */
  static Reading read() {
    try {
      String stat = Files.readString(Path.of("/proc/stat"));
      long nanos = System.nanoTime();
      return new Reading(nanos, cpus(stat), idleTicks(stat), softirqThreadTicks());
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

  private static long softirqThreadTicks() throws IOException {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .mapToLong(MachineCpu::softirqThreadTicks).sum();
    }
  }

  private static long softirqThreadTicks(Path proc) {
    try {
      String stat = Files.readString(proc.resolve("stat"));
      return isSoftirqThread(stat) ? cpuTicks(stat) : 0;
    } catch (IOException | RuntimeException e) {
      return 0; // gone meanwhile
    }
  }

  /** Whether a {@code /proc/<pid>/stat} line is one of the kernel's {@code ksoftirqd/<cpu>} threads. */
  static boolean isSoftirqThread(String stat) {
    int open = stat.indexOf('(');
    return open >= 0 && stat.startsWith("ksoftirqd/", open + 1);
  }

  /** utime plus stime, fields 14 and 15 of a {@code /proc/<pid>/stat} line (11 and 12 after the command name). */
  static long cpuTicks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }
}
