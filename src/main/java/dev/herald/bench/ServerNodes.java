package dev.herald.bench;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server under test as processes: one per node ({@code --server-pid}, in the order of {@code --port}), each read
 * through its {@link ProcessProbe}. Totals are sums over the nodes; the {@code ...Each} methods give one figure per
 * node, in the same order.
 */
final class ServerNodes {

  private final List<ProcessProbe> probes;

  private ServerNodes(List<ProcessProbe> probes) {
    this.probes = probes;
  }

  /** The probes of {@code --server-pid}, or null when no PID was given. */
  static ServerNodes of(BenchOptions o) {
    List<Long> pids = o.serverPids();
    if (pids.isEmpty()) {
      return null;
    }
    boolean jvm = o.target() == Target.HERALD;
    return new ServerNodes(pids.stream().map(pid -> new ProcessProbe(pid, jvm)).toList());
  }

  int size() {
    return probes.size();
  }

  List<Long> pids() {
    return probes.stream().map(ProcessProbe::pid).toList();
  }

  /** CPU time of every node, in nanoseconds. */
  long cpuNanos() {
    return sum(cpuNanosEach());
  }

  long[] cpuNanosEach() {
    return probes.stream().mapToLong(ProcessProbe::cpuNanos).toArray();
  }

  /** System CPU time of every node, in nanoseconds. */
  long sysNanos() {
    return probes.stream().mapToLong(ProcessProbe::sysNanos).sum();
  }

  /** CPU time of every node's JIT compiler threads, in nanoseconds (0 for a server that is not a JVM). */
  long jitNanos() {
    return probes.stream().mapToLong(ProcessProbe::jitNanos).sum();
  }

  /** {@link ProcessProbe#threadTicks()} of every node in one map: thread ids do not repeat across processes. */
  Map<Long, ProcessProbe.ThreadTicks> threadTicks() {
    Map<Long, ProcessProbe.ThreadTicks> all = new HashMap<>();
    probes.forEach(p -> all.putAll(p.threadTicks()));
    return all;
  }

  /**
   * The CPU seconds of each thread group between two {@link #threadTicks()} readings, as {@code {"eventLoop": {"user":
   * 1.2, "sys": 3.4}, …}}: where a step's server CPU went inside the JVM. Each thread counts what it ran between the
   * readings, a thread that started in between all it ran; one that ended in between is missing (its last ticks can
   * no longer be read), rather than taking its earlier ticks off its group.
   */
  static JsonObject threadGroupSeconds(Map<Long, ProcessProbe.ThreadTicks> before,
      Map<Long, ProcessProbe.ThreadTicks> after) {
    Map<String, long[]> groups = new TreeMap<>();
    after.forEach((tid, t) -> {
      ProcessProbe.ThreadTicks b = before.get(tid);
      // A thread id the kernel gave again to a new thread within the step: the new thread's ticks start at 0.
      boolean same = b != null && b.group().equals(t.group()) && b.user() <= t.user() && b.sys() <= t.sys();
      long[] g = groups.computeIfAbsent(t.group(), k -> new long[2]);
      g[0] += same ? t.user() - b.user() : t.user();
      g[1] += same ? t.sys() - b.sys() : t.sys();
    });
    JsonObject json = new JsonObject();
    groups.forEach((group, g) -> json.put(group, new JsonObject().put("user", seconds(g[0])).put("sys",
        seconds(g[1]))));
    return json;
  }

  private static double seconds(long ticks) {
    return Math.round(ticks * 1000.0 / ProcessProbe.TICKS_PER_SECOND) / 1000.0;
  }

  /** Time every node's threads waited for a CPU, in nanoseconds ({@link ProcessProbe#runQueueWaitNanos()}). */
  long runQueueWaitNanos() {
    return probes.stream().mapToLong(ProcessProbe::runQueueWaitNanos).sum();
  }

  long[] rssBytesEach() {
    return probes.stream().mapToLong(ProcessProbe::rssBytes).toArray();
  }

  /** Used heap of each node, -1 for a node that is not a JVM. */
  long[] heapUsedBytesEach() {
    return probes.stream().mapToLong(ProcessProbe::heapUsedBytes).toArray();
  }

  /** A full GC in each node, one after the other. */
  void fullGc() {
    probes.forEach(ProcessProbe::fullGc);
  }

  /** The live-object histogram of each node, one after the other (each begins with the node's PID). */
  String classHistograms() {
    StringBuilder sb = new StringBuilder();
    probes.forEach(p -> sb.append(p.classHistogram()));
    return sb.toString();
  }

  /** The sum of {@code values}, or -1 when one of them is -1 (not known). */
  static long sum(long[] values) {
    long total = 0;
    for (long v : values) {
      if (v < 0) {
        return -1;
      }
      total += v;
    }
    return total;
  }
}
