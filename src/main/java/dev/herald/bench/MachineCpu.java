package dev.herald.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The whole machine's CPU time, read from {@code /proc} before and after a step. The server's and the generator's
 * own CPU leave out work that neither is charged for: on loopback a receiving socket's TCP runs in the time of
 * whoever holds the core when the segment arrives, and once the kernel defers that work to its {@code ksoftirqd}
 * threads (a sender that keeps a core inside one system call makes it do so), it is charged to no process measured.
 * The machine's busy time is what a step cost everything that ran.
 */
final class MachineCpu {

  /** Clock ticks per second of {@code /proc/stat} and {@code /proc/<pid>/stat} ({@code getconf CLK_TCK}). */
  private static final long TICKS_PER_SECOND = 100;

  private MachineCpu() {
  }

  /** Busy time of all CPUs and the {@code ksoftirqd} threads' share of it, in ticks; a step's is the difference. */
  record Ticks(long busy, long softirqThreads) {

    Ticks minus(Ticks before) {
      return new Ticks(busy - before.busy, softirqThreads - before.softirqThreads);
    }

    double busySeconds() {
      return (double) busy / TICKS_PER_SECOND;
    }

    double softirqThreadSeconds() {
      return (double) softirqThreads / TICKS_PER_SECOND;
    }
  }

  /** The machine's ticks now, or null where {@code /proc/stat} cannot be read (not Linux). */
  static Ticks read() {
    try {
      return new Ticks(busyTicks(Files.readString(Path.of("/proc/stat"))), softirqThreadTicks());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * All CPUs' time but idle and iowait, from the first line of {@code /proc/stat}: user, nice, system, idle, iowait,
   * irq, softirq, steal, then guest and guest_nice, which user and nice already hold.
   */
  static long busyTicks(String procStat) {
    String first = procStat.substring(0, procStat.indexOf('\n'));
    String[] f = first.trim().split("\\s+");
    if (!f[0].equals("cpu")) {
      throw new IllegalArgumentException("/proc/stat does not start with the cpu line: " + first);
    }
    long busy = 0;
    for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
      if (i != 4 && i != 5) {
        busy += Long.parseLong(f[i]);
      }
    }
    return busy;
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
