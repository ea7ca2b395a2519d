package dev.herald.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a process tree's CPU time and resident memory from {@code /proc} (Linux only): the given process and its
 * direct children, so an nginx master and its workers count as one server. For a JVM it can first run a full GC
 * and read the used heap through {@code jcmd}.
 */
final class ProcessProbe {

  /** Clock ticks per second of {@code /proc/stat} and {@code /proc/<pid>/stat}; 100 on every Linux we run on. */
  static final long TICKS_PER_SECOND = 100;
  // Java 17-21: "garbage-first heap   total 262144K, used 27136K"; later: "total reserved …K, committed …K, used …K".
  private static final Pattern HEAP_USED = Pattern.compile("(?:total|committed) \\d+K, used (\\d+)K");

  private final long pid;
  private final boolean jvm;

  ProcessProbe(long pid, boolean jvm) {
    this.pid = pid;
    this.jvm = jvm;
  }

  long pid() {
    return pid;
  }

  /** User plus system CPU time of the process and its children, in nanoseconds. */
  long cpuNanos() {
    long ticks = 0;
    for (long p : tree()) {
      ticks += cpuTicks(p);
    }
    return ticks * (1_000_000_000L / TICKS_PER_SECOND);
  }

  /** System (kernel) CPU time of the process and its children, in nanoseconds: the part spent in syscalls. */
  long sysNanos() {
    long ticks = 0;
    for (long p : tree()) {
      String[] f = statFields(p);
      ticks += f == null ? 0 : Long.parseLong(f[12]);
    }
    return ticks * (1_000_000_000L / TICKS_PER_SECOND);
  }

  /**
   * CPU time of the JVM's JIT compiler threads (C1 and C2) in nanoseconds; 0 for a server that is not a JVM. A
   * fresh JVM compiles for tens of seconds after its first traffic, and on two cores that CPU is taken from the
   * server's and the client's work (BENCHMARKS.md, "The JIT settles").
   */
  long jitNanos() {
    long ticks = threadTicks().values().stream().filter(t -> t.group().equals("jit")).mapToLong(t -> t.user() + t.sys())
        .sum();
    return ticks * (1_000_000_000L / TICKS_PER_SECOND);
  }

  /** One thread's CPU ticks since it started, and what it does ({@link #threadGroup}). */
  record ThreadTicks(String group, long user, long sys) {
  }

  /**
   * The CPU ticks of each of the JVM's threads, by thread id (unique on the machine); empty for a server that is not
   * a JVM. A thread that ended before a reading is missing from it, with its ticks.
   */
  Map<Long, ThreadTicks> threadTicks() {
    Map<Long, ThreadTicks> threads = new HashMap<>();
    if (!jvm) {
      return threads;
    }
    forEachThread(pid, task -> {
      String[] f = statFields(task.resolve("stat"));
      if (f != null) {
        threads.put(Long.parseLong(task.getFileName().toString()),
            new ThreadTicks(threadGroup(comm(task)), Long.parseLong(f[11]), Long.parseLong(f[12])));
      }
    });
    return threads;
  }

  /**
   * What a HotSpot or Vert.x thread does, from its name as the kernel keeps it (15 characters): "eventLoop" (Vert.x
   * event loops, which run the node's I/O and fan-out), "gc" (G1's parallel, concurrent and refinement threads),
   * "vm" (the VM thread, which runs safepoint operations such as the start and end of a pause), "jit" (C1 and C2),
   * "other" (workers, Hazelcast, timers).
   */
  static String threadGroup(String comm) {
    if (comm.startsWith("vert.x-eventloo")) {
      return "eventLoop";
    }
    if (comm.startsWith("GC Thread#") || comm.startsWith("G1 ")) {
      return "gc";
    }
    if (comm.equals("VM Thread")) {
      return "vm";
    }
    return isCompilerThread(comm) ? "jit" : "other";
  }

  /**
   * Time the threads of the process and its children spent ready to run but waiting for a CPU, in nanoseconds
   * (the second field of each thread's {@code /proc/<pid>/task/<tid>/schedstat}): on two cores shared by server,
   * clients and publisher, the part of a latency that is nobody's work. Threads that ended are not counted.
   */
  long runQueueWaitNanos() {
    long n = 0;
    for (long p : tree()) {
      n += runQueueWaitNanosOf(p);
    }
    return n;
  }

  /** {@link #runQueueWaitNanos()} of one process's threads (no children), for the client processes. */
  static long runQueueWaitNanosOf(long pid) {
    long[] wait = {0};
    forEachThread(pid, task -> wait[0] += runQueueWait(task.resolve("schedstat")));
    return wait[0];
  }

  /** Calls {@code action} with each thread's directory of {@code pid}; once the process ended, with none more. */
  private static void forEachThread(long pid, Consumer<Path> action) {
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        action.accept(task);
      }
    } catch (IOException | UncheckedIOException e) {
      // The process ended.
    }
  }

  private static long runQueueWait(Path schedstat) {
    try {
      return runQueueWait(Files.readString(schedstat));
    } catch (IOException e) {
      return 0; // the thread ended
    }
  }

  /** The wait field of a schedstat line: "{@code <on-CPU ns> <waiting ns> <timeslices>}". */
  static long runQueueWait(String schedstat) {
    String[] f = schedstat.trim().split(" ");
    return f.length < 2 ? 0 : Long.parseLong(f[1]);
  }

  /** A HotSpot compiler thread's name as the kernel keeps it (15 characters): "C2 CompilerThre", "C1 CompilerThre". */
  static boolean isCompilerThread(String comm) {
    return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
  }

  private static String comm(Path task) {
    try {
      return Files.readString(task.resolve("comm")).trim();
    } catch (IOException e) {
      return "";
    }
  }

  /** Resident set size of the process and its children, in bytes. */
  long rssBytes() {
    long kb = 0;
    for (long p : tree()) {
      kb += rssKb(p);
    }
    return kb * 1024;
  }

  /** Runs a full GC in the server JVM (no-op for other servers) and waits for it. */
  void fullGc() {
    if (jvm) {
      jcmd("GC.run");
    }
  }

  /** Used Java heap in bytes, or -1 when the server is not a JVM. */
  long heapUsedBytes() {
    if (!jvm) {
      return -1;
    }
    return usedHeapBytes(jcmd("GC.heap_info"));
  }

  /** The used heap that {@code jcmd <pid> GC.heap_info} printed, in bytes, or -1 when it names none. */
  static long usedHeapBytes(String heapInfo) {
    Matcher m = HEAP_USED.matcher(heapInfo);
    return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
  }

  /** The server JVM's class histogram (live objects), or empty when the server is not a JVM. */
  String classHistogram() {
    return jvm ? jcmd("GC.class_histogram") : "";
  }

  /** CPU nanoseconds of one process (no children), for the client processes. */
  static long cpuNanosOf(long pid) {
    return cpuTicks(pid) * (1_000_000_000L / TICKS_PER_SECOND);
  }

  private List<Long> tree() {
    List<Long> pids = new ArrayList<>();
    pids.add(pid);
    for (Path p : processes()) {
      String[] f = statFields(p.resolve("stat"));
      // f[1] is field 4 of stat (ppid): fields after the ")" that closes the command name start at field 3.
      if (f != null && Long.parseLong(f[1]) == pid) {
        pids.add(Long.parseLong(p.getFileName().toString()));
      }
    }
    return pids;
  }

  /** The directory of every process on the machine, {@code /proc/<pid>}. */
  private static List<Path> processes() {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList();
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
  }

  private static long cpuTicks(long pid) {
    return cpuTicks(statFields(pid));
  }

  /** utime plus stime of a process's or a thread's stat fields; 0 when they could not be read. */
  static long cpuTicks(String[] f) {
    // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after the command name.
    return f == null ? 0 : Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static String[] statFields(long pid) {
    return statFields(Path.of("/proc", Long.toString(pid), "stat"));
  }

  private static String[] statFields(Path stat) {
    try {
      return statFields(Files.readString(stat));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** A stat line's fields after the command name, which may itself hold spaces and ")". */
  static String[] statFields(String stat) {
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
  }

  /**
   * CPU nanoseconds of every process on the machine whose name starts with {@code prefix}, kernel threads included
   * (their name as {@code /proc/<pid>/comm} gives it).
   */
  static long cpuNanosOfNamed(String prefix) {
    long ticks = 0;
    for (Path p : processes()) {
      if (comm(p).startsWith(prefix)) {
        ticks += cpuTicks(statFields(p.resolve("stat")));
      }
    }
    return ticks * (1_000_000_000L / TICKS_PER_SECOND);
  }

  private static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return 0;
  }

  private String jcmd(String command) {
    try {
      Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroy();
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("jcmd " + pid + " " + command + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }
}
