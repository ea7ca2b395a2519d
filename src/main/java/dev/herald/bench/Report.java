package dev.herald.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Readable renderings of the JSON results: one scenario, a results file, and Herald beside nchan with ratios. */
final class Report {

  private Report() {
  }

  static String stepLine(JsonObject s) {
    JsonObject l = s.getJsonObject("latencyMs");
    JsonObject bus = s.getJsonObject("eventBus");
    String busText = bus == null ? "" : String.format(Locale.ROOT, "event bus %.0f B/msg  ",
        bus.getDouble("bytesPerMessage"));
    JsonObject ingest = s.getJsonObject("ingest");
    if (ingest != null) {
      busText += String.format(Locale.ROOT, "ingest %.0f posts/s, drained %.2f s after, dead %d  ",
          ingest.getDouble("postsPerSecond"), ingest.getDouble("drainSeconds"), ingest.getLong("deadLettered"));
      JsonObject calls = ingest.getJsonObject("redisCalls");
      if (calls != null && calls.getDouble("postsPerScript") != null) {
        busText += String.format(Locale.ROOT, "redis scripts %d (%.1f posts, %.0f us each)  ",
            calls.getLong("scripts"), calls.getDouble("postsPerScript"), calls.getDouble("microsPerScript"));
      }
    }
    JsonObject gc = s.getJsonObject("gc");
    if (gc != null) {
      busText += String.format(Locale.ROOT, "GC %d pauses %.1f ms  ", gc.getLong("pauses"), gc.getDouble("pauseMs"));
    }
    busText += machineCpu(s) + runQueue(s) + machineProbe(s) + lossClues(s) + kernel(s);
    if (s.containsKey("redisCpuSeconds")) {
      busText += String.format(Locale.ROOT, "redis CPU %.2f s", s.getDouble("redisCpuSeconds"));
      if (s.containsKey("redisRunQueueWaitSeconds")) {
        busText += String.format(Locale.ROOT, ", waited for a CPU %.2f s", s.getDouble("redisRunQueueWaitSeconds"));
      }
      busText += "  ";
    }
    return String.format(Locale.ROOT, "rate %8.0f msg/s  published %7.0f/s  deliveries %10.0f/s  loss %d dup %d "
            + "order %d  p50 %7.2f p90 %7.2f p99 %8.2f p99.9 %8.2f max %8.2f ms  %sserver CPU %6.0f ns/delivery "
            + "(%.2f s, sys %s)  client CPU %.2f s  %s%s",
        s.getDouble("rate"), s.getDouble("publishedPerSecond"), s.getDouble("deliveriesPerSecond"),
        s.getLong("loss"), s.getLong("duplicates"), s.getLong("orderViolations"), l.getDouble("p50"),
        l.getDouble("p90"), l.getDouble("p99"), l.getDouble("p999"), l.getDouble("max"),
        firstDelivery(s) + acceptToSocket(s) + poolWait(s),
        s.getDouble("serverCpuPerDeliveryNs"), s.getDouble("serverCpuSeconds"), sysShare(s),
        s.getDouble("clientCpuSeconds"), busText, s.getBoolean("pass") ? "PASS" : "FAIL" + (s.getString("publishFirstError") == null ? ""
            : " (" + s.getString("publishFirstError") + ")"));
  }

  /** Each message's earliest delivery, when the step has the figure: {@code first p50 … p99 … ms} and a gap. */
  static String firstDelivery(JsonObject s) {
    JsonObject f = s.getJsonObject("firstDeliveryMs");
    if (f == null || f.getLong("messages", 0L) == 0) {
      return "";
    }
    return String.format(Locale.ROOT, "first p50 %.2f p99 %.2f ms  ", f.getDouble("p50"), f.getDouble("p99"));
  }

  /**
   * The server's own part of the latency, when it reported one: {@code server p99 ≤… p99.9 ≤… ms}, each the upper
   * bound of the bucket of Herald's histogram (producer accept to frame handed to the socket) that holds the
   * quantile ({@code >30000} beyond the last), and a gap.
   */
  static String acceptToSocket(JsonObject s) {
    JsonObject server = s.getJsonObject("server");
    JsonObject a = server == null ? null : server.getJsonObject("acceptToSocketMs");
    if (a == null) {
      return "";
    }
    return String.format(Locale.ROOT, "server p99 %s p99.9 %s ms  ", bound(a.getDouble("p99")),
        bound(a.getDouble("p999")));
  }

  private static String bound(Double ms) {
    return ms == null ? ">30000" : String.format(Locale.ROOT, "≤%.1f", ms);
  }

  /** All CPUs' busy time in the step, when measured: {@code machine CPU … s (ksoftirqd … s)} and a gap. */
  static String machineCpu(JsonObject s) {
    Double busy = s.getDouble("machineCpuSeconds");
    return busy == null ? "" : String.format(Locale.ROOT, "machine CPU %.2f s (ksoftirqd %.2f s)  ", busy,
        s.getDouble("softirqThreadCpuSeconds"));
  }

  /**
   * How long threads stood ready to run without a CPU during the step, when measured:
   * {@code waited for a CPU: server … s, clients … s} and a gap (summed over threads, so it can exceed the step).
   */
  static String runQueue(JsonObject s) {
    Double server = s.getDouble("serverRunQueueWaitSeconds");
    Double clients = s.getDouble("clientRunQueueWaitSeconds");
    if (server == null && clients == null) {
      return "";
    }
    return "waited for a CPU:" + (server == null ? "" : String.format(Locale.ROOT, " server %.2f s,", server))
        + (clients == null ? "" : String.format(Locale.ROOT, " clients %.2f s", clients)) + "  ";
  }

  /**
   * The generator's fixed probe of the machine's speed before and after, when measured: {@code machine probe …/… ms}
   * (more ms, a slower machine), the loopback probe's CPU before and after when measured, {@code , loopback …/… ms
   * CPU}, then the CPU ms of the arithmetic probe during the step when probed, {@code (during: arithmetic … ms
   * CPU)}, and a gap.
   */
  static String machineProbe(JsonObject s) {
    JsonObject p = s.getJsonObject("machineProbeMs");
    if (p == null) {
      return "";
    }
    JsonObject l = s.getJsonObject("loopbackProbeCpuMs");
    Double loopbackBefore = l == null ? null : l.getDouble("before");
    Double loopbackAfter = l == null ? null : l.getDouble("after");
    JsonObject d = s.getJsonObject("machineProbeDuringStep");
    Double arithmetic = d == null ? null : d.getJsonObject("arithmeticCpuMs").getDouble("p50");
    return String.format(Locale.ROOT, "machine probe %.1f/%.1f ms", p.getDouble("before"), p.getDouble("after"))
        + (loopbackBefore == null || loopbackAfter == null ? "" : String.format(Locale.ROOT,
        ", loopback %.1f/%.1f ms CPU", loopbackBefore, loopbackAfter))
        + (arithmetic == null ? "" : String.format(Locale.ROOT, " (during: arithmetic %.1f ms CPU)", arithmetic))
        + "  ";
  }

  /**
   * The machine's loopback drops and TCP's sends again during the step, when known and any were dropped or
   * retransmitted: {@code kernel: backlog drops …, TCP retransmits … (loss probes …, timeouts …)} and a gap.
   */
  static String kernel(JsonObject s) {
    JsonObject k = s.getJsonObject("kernel");
    if (k == null || k.getLong("backlogDrops") == 0 && k.getLong("tcpRetransmits") == 0) {
      return "";
    }
    return String.format(Locale.ROOT, "kernel: backlog drops %d, TCP retransmits %d (loss probes %d, timeouts %d)  ",
        k.getLong("backlogDrops"), k.getLong("tcpRetransmits"), k.getLong("tcpLossProbes"), k.getLong("tcpTimeouts"));
  }

  /**
   * The publisher's own queue, when its requests waited for a pooled connection at all:
   * {@code pool wait p99 … max … ms} and a gap. That wait precedes the send time, so it is not in the latencies;
   * shown so that a publisher short of connections is seen, not hidden.
   */
  static String poolWait(JsonObject s) {
    JsonObject w = s.getJsonObject("publishPoolWaitMs");
    if (w == null || w.getLong("requests", 0L) == 0 || w.getDouble("max") == 0) {
      return "";
    }
    return String.format(Locale.ROOT, "pool wait p99 %.2f max %.2f ms  ", w.getDouble("p99"), w.getDouble("max"));
  }

  /**
   * Where a step's missing deliveries went, when anything is known: subscribers that got nothing, connections the
   * server closed, and the server's own drops, catch-up switches, limit hits and history reads (gaps filled, and
   * how many of those reads failed); empty when all are zero.
   */
  static String lossClues(JsonObject s) {
    StringBuilder sb = new StringBuilder();
    long silent = s.getLong("silentSubscribers", 0L);
    long closed = s.getLong("closedConnections", 0L);
    if (silent > 0 || closed > 0) {
      sb.append(String.format(Locale.ROOT, "silent subscribers %d", silent));
      JsonObject channels = s.getJsonObject("silentChannels");
      if (channels != null) {
        int count = channels.getInteger("count");
        List<String> named = channels.getJsonArray("first").stream().map(Object::toString).toList();
        sb.append(String.format(Locale.ROOT, " on %d channel%s (%s%s)", count, count == 1 ? "" : "s",
            String.join(", ", named), count > named.size() ? ", …" : ""));
      }
      sb.append(String.format(Locale.ROOT, ", closed by the server %d  ", closed));
    }
    JsonObject server = s.getJsonObject("server");
    if (server != null && (server.getLong("connectionsClosed") > 0 || server.getLong("dropped") > 0
        || server.getLong("catchUpSwitches") > 0 || server.getLong("limitHits") > 0
        || server.getLong("historyReads", 0L) > 0)) {
      sb.append(String.format(Locale.ROOT, "server: closed %d, dropped %d, catch-up %d, limit hits %d, history reads "
              + "%d (%d failed)  ", server.getLong("connectionsClosed"), server.getLong("dropped"),
          server.getLong("catchUpSwitches"), server.getLong("limitHits"), server.getLong("historyReads", 0L),
          server.getLong("historyReadFailures", 0L)));
    }
    if (server != null && s.getLong("loss", 0L) != 0 && server.containsKey("delivered")) {
      sb.append(String.format(Locale.ROOT, "server committed %d, delivered %d  ", server.getLong("committed"),
          server.getLong("delivered")));
    }
    return sb.toString();
  }

  /** The kernel's share of the server's CPU in a step, e.g. "62%"; "?" for results without it. */
  private static String sysShare(JsonObject s) {
    Double sys = s.getDouble("serverSysCpuSeconds");
    double all = s.getDouble("serverCpuSeconds");
    String share = sys == null || all <= 0 ? "?" : Math.round(100 * sys / all) + "%";
    Double jit = s.getDouble("serverJitCpuSeconds");
    return jit == null || jit == 0 ? share : share + String.format(Locale.ROOT, ", JIT %.2f s", jit);
  }

  static String summary(JsonObject r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "== %s on %s%s%s: %d subscribers, %d channels (commit %s, %s, %d CPUs, "
            + "server flags: %s)%n", r.getString("scenario"), r.getString("target"),
        r.containsKey("transport") ? " over " + r.getString("transport") : "",
        r.containsKey("nodes") ? " (" + r.getInteger("nodes") + " nodes)" : "", r.getInteger("subscribers"),
        r.getInteger("channels"), r.getString("commit"), r.getString("jdk"), r.getInteger("cpus"),
        r.getString("serverFlags")));
    JsonObject c = r.getJsonObject("connect");
    if (c != null) {
      sb.append(String.format(Locale.ROOT, "   connections %d established, %d failed, %d subscribed; %.2f s "
              + "(%.0f/s), all subscribed after %.2f s; server CPU %.2f s%s%s%s%n", c.getLong("established"),
          c.getLong("failed"), c.getLong("subscribed"), c.getDouble("seconds"), c.getDouble("perSecond"),
          c.getDouble("subscribedSeconds"), c.getDouble("serverCpuSeconds"),
          (c.containsKey("serverJitCpuSeconds") ? String.format(Locale.ROOT, " (JIT %.2f s)",
              c.getDouble("serverJitCpuSeconds")) : "") + (c.containsKey("gc") ? String.format(Locale.ROOT,
              "; GC %d pauses %.1f ms", c.getJsonObject("gc").getLong("pauses"),
              c.getJsonObject("gc").getDouble("pauseMs")) : "") + connectCost(c) + (c.containsKey("machineProbeMs")
              ? "; " + machineProbe(c).trim() : ""),
          c.containsKey("establishedPerNode") ? "; per node " + join(c.getJsonArray("establishedPerNode")) : "",
          c.getString("firstError") == null ? "" : "; first error " + c.getString("firstError")));
    }
    JsonObject v = r.getJsonObject("revisits");
    if (v != null) {
      JsonObject first = v.getJsonObject("firstMs");
      JsonObject back = v.getJsonObject("returnMs");
      sb.append(String.format(Locale.ROOT, "   subscribed after, %d visits: first visit p50 %.1f ms (%.1f-%.1f); back "
              + "%d ms after leaving p50 %.1f ms (%.1f-%.1f)%n", v.getInteger("visits"), first.getDouble("p50"),
          first.getDouble("min"), first.getDouble("max"), v.getLong("gapMs"), back.getDouble("p50"),
          back.getDouble("min"), back.getDouble("max")));
    }
    JsonObject m = r.getJsonObject("memory");
    if (m != null) {
      sb.append("   server ").append(memoryLine(m)).append('\n');
      JsonArray nodes = m.getJsonArray("nodes");
      for (int k = 0; nodes != null && k < nodes.size(); k++) {
        JsonObject node = nodes.getJsonObject(k);
        sb.append(String.format(Locale.ROOT, "     node %d (port %d, pid %d, %d connections): %s%n", k + 1,
            node.getInteger("port"), node.getLong("pid"), node.getLong("connections"), memoryLine(node)));
      }
    }
    JsonObject warmJit = r.getJsonObject("warmupJit");
    if (warmJit != null) {
      List<String> jits = new ArrayList<>();
      if (warmJit.containsKey("quiet")) {
        jits.add(warmJit.getBoolean("quiet") ? "the JIT quiet in the last" : "the JIT still compiling ("
            + warmJit.getValue("lastRoundJitMs") + " ms in the last round)");
      }
      if (warmJit.containsKey("clientQuiet")) {
        // The measured fleet's own workers connect in the warm-up (since the section "The connect rate's machine").
        jits.add("the generator's JIT " + (warmJit.getBoolean("clientQuiet") ? "quiet in the last" : "still compiling ("
            + warmJit.getValue("lastRoundClientJitMs") + " ms in the last round)"));
      }
      sb.append(String.format(Locale.ROOT, "   warm-up: %d connections in %d rounds%s%n",
          r.getLong("warmupConnections"), warmJit.getInteger("rounds"), jits.isEmpty() ? ""
              : ", " + String.join("; ", jits)));
    }
    JsonObject churn = r.getJsonObject("churn");
    if (churn != null) {
      sb.append(String.format(Locale.ROOT, "   churn: %d connections came and went first, in %d rounds (%d subscribed, "
          + "%d failed), %.1f s, server CPU %.2f s", churn.getLong("connections"), churn.getInteger("rounds"),
          churn.getLong("subscribed"), churn.getLong("failed"), churn.getDouble("seconds"),
          churn.getDouble("serverCpuSeconds")));
      // Absent from results of 86feb0f, the first with a churn.
      if (churn.containsKey("serverConnectCpuSeconds")) {
        sb.append(String.format(Locale.ROOT, " (%.2f s while connecting)", churn.getDouble("serverConnectCpuSeconds")));
      }
      sb.append('\n');
    }
    JsonObject jit = r.getJsonObject("jitSettle");
    if (jit != null) {
      sb.append(String.format(Locale.ROOT, "   JIT settle: %d rounds, %.1f s more warm-up, %s%n",
          jit.getInteger("rounds"), jit.getDouble("seconds"), jit.getBoolean("quiet") ? "then quiet"
              : "still compiling (" + jit.getValue("lastRoundJitMs") + " ms in its last round)"));
    }
    JsonArray steps = r.getJsonArray("steps");
    if (steps != null) {
      for (int i = 0; i < steps.size(); i++) {
        JsonObject step = steps.getJsonObject(i);
        sb.append("   ").append(stepLine(step)).append('\n');
        if (step.containsKey("serverCpuSecondsPerNode")) {
          sb.append("     server CPU per node ").append(join(step.getJsonArray("serverCpuSecondsPerNode")))
              .append(" s");
          JsonObject bus = step.getJsonObject("eventBus");
          if (bus != null) {
            sb.append(String.format(Locale.ROOT, "; event bus %d bytes in %d messages written (%.0f B each), "
                    + "%d read; written per node %s", bus.getLong("bytesWritten"), bus.getLong("messagesWritten"),
                bus.getDouble("bytesPerBusMessage"), bus.getLong("bytesRead"),
                join(bus.getJsonArray("bytesWrittenPerNode"))));
          }
          sb.append('\n');
        }
      }
      JsonObject best = r.getJsonObject("best");
      sb.append(best == null ? "   no step passed\n" : "   highest sustained: " + sustained(best) + "\n");
    }
    return sb.toString();
  }

  /**
   * The best step's figure: deliveries/s at its rate, and for an ingest step the posts/s through the pipeline too
   * (alone when it had no subscribers, whose 0 deliveries/s would say nothing).
   */
  static String sustained(JsonObject best) {
    String deliveries = String.format(Locale.ROOT, "%.0f deliveries/s at %.0f msg/s",
        best.getDouble("deliveriesPerSecond"), best.getDouble("rate"));
    JsonObject ingest = best.getJsonObject("ingest");
    if (ingest == null) {
      return deliveries;
    }
    String posts = String.format(Locale.ROOT, "%.0f posts/s through ingest", ingest.getDouble("postsPerSecond"));
    return best.getDouble("deliveriesPerSecond") == 0
        ? String.format(Locale.ROOT, "%s at %.0f posts/s sent", posts, best.getDouble("rate"))
        : deliveries + ", " + posts;
  }

  /** RSS (and heap, when known) before and after, and per connection. */
  private static String memoryLine(JsonObject m) {
    String line = String.format(Locale.ROOT, "RSS %.1f MB -> %.1f MB after full GC: %d bytes/connection",
        m.getLong("rssBeforeBytes") / 1048576.0, m.getLong("rssAfterBytes") / 1048576.0,
        m.getLong("rssPerConnectionBytes"));
    if (m.containsKey("heapPerConnectionBytes")) {
      line += String.format(Locale.ROOT, "; heap used %.1f MB -> %.1f MB: %d bytes/connection",
          m.getLong("heapBeforeBytes") / 1048576.0, m.getLong("heapAfterBytes") / 1048576.0,
          m.getLong("heapPerConnectionBytes"));
    }
    return line;
  }

  private static String join(JsonArray a) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < a.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(fmt(((Number) a.getValue(i)).doubleValue()));
    }
    return sb.toString();
  }

  static void table(Path file) throws IOException {
    for (List<JsonObject> results : readAll(file).values()) {
      results.forEach(r -> System.out.print(summary(r)));
    }
  }

  /**
   * Herald beside nchan, scenario by scenario, with the ratio Herald/nchan and which way is better. When a scenario
   * ran more than once on both ({@code scripts/bench --rounds}), its k-th results are paired and each figure shows
   * both servers' medians and the median, lowest and highest of the pairs' ratios.
   */
  static void compare(Path heraldFile, Path nchanFile) throws IOException {
    Map<String, List<JsonObject>> herald = readAll(heraldFile);
    Map<String, List<JsonObject>> nchan = readAll(nchanFile);
    boolean rounds = herald.values().stream().anyMatch(l -> l.size() > 1);
    if (rounds) {
      System.out.printf(Locale.ROOT, "%-14s %-50s %14s %14s %8s %15s %5s  %s%n", "scenario", "figure",
          "herald median", "nchan median", "ratio", "ratio range", "pairs", "better");
    } else {
      printHeader("scenario", "herald", "nchan");
    }
    for (Map.Entry<String, List<JsonObject>> e : herald.entrySet()) {
      List<JsonObject> h = e.getValue();
      List<JsonObject> n = nchan.get(e.getKey());
      if (n == null) {
        continue;
      }
      if (!rounds) {
        printRows(e.getKey(), rows(h.get(h.size() - 1), n.get(n.size() - 1)));
        continue;
      }
      for (PairedRow row : pairedRows(h, n)) {
        System.out.printf(Locale.ROOT, "%-14s %-50s %14s %14s %8s %15s %5d  %s%n", e.getKey(), row.name,
            fmt(row.a), fmt(row.b), row.ratio == null ? "-" : String.format(Locale.ROOT, "%.2f", row.ratio),
            row.ratio == null ? "-" : String.format(Locale.ROOT, "%.2f-%.2f", row.lowest, row.highest),
            row.pairs, row.better);
      }
    }
  }

  /**
   * One figure over the pairs that have it: each server's median and the median, lowest and highest of the
   * pairs' ratios a/b (null when no pair has both figures and a non-zero b).
   */
  record PairedRow(String name, Double a, Double b, Double ratio, Double lowest, Double highest, int pairs,
                   String better) {
  }

  /**
   * The k-th result of {@code a} against the k-th of {@code b}, figure by figure in the order they first appear.
   * The ratio is taken within each pair (results run minutes apart), not between the medians.
   */
  static List<PairedRow> pairedRows(List<JsonObject> a, List<JsonObject> b) {
    // A fan-out's highest common rate can differ from pair to pair: a step's figure is paired by what it is, each
    // pair at its own rate.
    Map<String, List<Row>> byFigure = new LinkedHashMap<>();
    for (int k = 0; k < Math.min(a.size(), b.size()); k++) {
      for (Row row : rows(a.get(k), b.get(k))) {
        byFigure.computeIfAbsent(row.figure, x -> new ArrayList<>()).add(row);
      }
    }
    List<PairedRow> out = new ArrayList<>();
    for (Map.Entry<String, List<Row>> e : byFigure.entrySet()) {
      List<Row> group = e.getValue();
      String at = group.get(0).at;
      String name = e.getKey() + (group.stream().allMatch(r -> r.at.equals(at)) ? at : " @each pair's rate");
      List<Double> as = new ArrayList<>();
      List<Double> bs = new ArrayList<>();
      List<Double> ratios = new ArrayList<>();
      for (Row row : group) {
        if (row.a != null) {
          as.add(row.a);
        }
        if (row.b != null) {
          bs.add(row.b);
        }
        if (row.a != null && row.b != null && row.b != 0) {
          ratios.add(row.a / row.b);
        }
      }
      ratios.sort(null);
      out.add(new PairedRow(name, median(as), median(bs), median(ratios),
          ratios.isEmpty() ? null : ratios.get(0), ratios.isEmpty() ? null : ratios.get(ratios.size() - 1),
          group.size(), group.get(0).better));
    }
    return out;
  }

  /** The middle value (the mean of the middle two for an even count); null for none. */
  static Double median(List<Double> values) {
    if (values.isEmpty()) {
      return null;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * Two scenarios of one results file side by side, with the ratio a/b: e.g. {@code cluster-3} against
   * {@code cluster-1}, the same load on three nodes and on one.
   */
  static void compareScenarios(Path file, String a, String b) throws IOException {
    Map<String, JsonObject> results = read(file);
    JsonObject ra = results.get(a);
    JsonObject rb = results.get(b);
    if (ra == null || rb == null) {
      System.out.println("no result for " + (ra == null ? a : b) + " in " + file);
      return;
    }
    printHeader("scenario", a, b);
    printRows(a, rows(ra, rb));
  }

  private static void printHeader(String first, String a, String b) {
    System.out.printf(Locale.ROOT, "%-14s %-50s %14s %14s %8s  %s%n", first, "figure", a, b, "ratio", "better");
  }

  private static void printRows(String first, List<Row> rows) {
    for (Row row : rows) {
      System.out.printf(Locale.ROOT, "%-14s %-50s %14s %14s %8s  %s%n", first, row.name(), fmt(row.a), fmt(row.b),
          row.a == null || row.b == null || row.b == 0 ? "-" : String.format(Locale.ROOT, "%.2f", row.a / row.b),
          row.better);
    }
  }

  /**
   * One figure of two results, {@code a} and {@code b}; null when a result does not have it. {@code at} names the
   * publish rate a step's figure was taken at ({@code " @12 msg/s"}), empty for the others.
   */
  record Row(String figure, String at, Double a, Double b, String better) {

    Row(String figure, Double a, Double b, String better) {
      this(figure, "", a, b, better);
    }

    String name() {
      return figure + at;
    }
  }

  /** The generator's and the machine's CPU in a connect phase ({@link ConnectCost}), where measured. */
  static String connectCost(JsonObject c) {
    if (!c.containsKey("clientCpuSeconds")) {
      return "";
    }
    String s = String.format(Locale.ROOT, "; client CPU %.2f s (JIT %.2f s)", c.getDouble("clientCpuSeconds"),
        c.getDouble("clientJitCpuSeconds"));
    if (c.containsKey("machineCpuSeconds")) {
      s += String.format(Locale.ROOT, "; machine CPU %.2f s (ksoftirqd %.2f s)", c.getDouble("machineCpuSeconds"),
          c.getDouble("softirqThreadCpuSeconds"));
    }
    JsonObject k = c.getJsonObject("kernel");
    if (k != null && k.getLong("tcpRetransmits") > 0) {
      s += String.format(Locale.ROOT, "; %d TCP resends (%d timeouts)", k.getLong("tcpRetransmits"),
          k.getLong("tcpTimeouts"));
    }
    return s;
  }

  private static Double perConnectionMicros(JsonObject connect, String seconds) {
    Double cpu = connect.getDouble(seconds);
    double established = connect.getDouble("established", 0.0);
    return cpu == null || established == 0 ? null : cpu * 1e6 / established;
  }

  static List<Row> rows(JsonObject h, JsonObject n) {
    List<Row> rows = new ArrayList<>();
    JsonObject hc = h.getJsonObject("connect");
    JsonObject nc = n.getJsonObject("connect");
    rows.add(new Row("connections established", hc.getDouble("established"), nc.getDouble("established"),
        "higher"));
    rows.add(new Row("connects/s", hc.getDouble("perSecond"), nc.getDouble("perSecond"), "higher"));
    if (hc.containsKey("machineProbeMs") && nc.containsKey("machineProbeMs")) {
      rows.add(new Row("machine probe ms (connect)", probeMean(hc), probeMean(nc), "(the machine)"));
    }
    if (h.containsKey("warmupConnections")) {
      // The generator shares the cores and takes most of them while connecting: the rate is set by the pair.
      // Only after a warm-up: elsewhere the connect phase is a cold JVM compiling.
      rows.add(new Row("server CPU µs/connection", perConnectionMicros(hc, "serverCpuSeconds"),
          perConnectionMicros(nc, "serverCpuSeconds"), "lower"));
      if (hc.containsKey("machineCpuSeconds") && nc.containsKey("machineCpuSeconds")) {
        // The same generator either way: what differs in its CPU is what each server's handshake costs it.
        rows.add(new Row("client CPU µs/connection", perConnectionMicros(hc, "clientCpuSeconds"),
            perConnectionMicros(nc, "clientCpuSeconds"), "(the generator)"));
        rows.add(new Row("machine CPU µs/connection", perConnectionMicros(hc, "machineCpuSeconds"),
            perConnectionMicros(nc, "machineCpuSeconds"), "(the machine)"));
      }
    }
    JsonObject hm = h.getJsonObject("memory");
    JsonObject nm = n.getJsonObject("memory");
    if (hm != null && nm != null) {
      rows.add(new Row("RSS bytes/connection (after full GC)", hm.getDouble("rssPerConnectionBytes"),
          nm.getDouble("rssPerConnectionBytes"), "lower"));
    }
    if (h.containsKey("steps")) {
      JsonObject hb = h.getJsonObject("best");
      JsonObject nb = n.getJsonObject("best");
      rows.add(new Row("highest sustained deliveries/s", hb == null ? 0.0 : hb.getDouble("deliveriesPerSecond"),
          nb == null ? 0.0 : nb.getDouble("deliveriesPerSecond"), "higher"));
      // Efficiency and latency at the highest rate both passed.
      JsonObject hs = null;
      JsonObject ns = null;
      JsonArray ha = h.getJsonArray("steps");
      JsonArray na = n.getJsonArray("steps");
      for (int i = 0; i < ha.size(); i++) {
        for (int j = 0; j < na.size(); j++) {
          JsonObject a = ha.getJsonObject(i);
          JsonObject b = na.getJsonObject(j);
          if (a.getBoolean("pass") && b.getBoolean("pass") && a.getDouble("rate").equals(b.getDouble("rate"))) {
            hs = a;
            ns = b;
          }
        }
      }
      if (hs != null) {
        String at = String.format(Locale.ROOT, " @%.0f msg/s", hs.getDouble("rate"));
        rows.add(new Row("server CPU ns/delivery", at, hs.getDouble("serverCpuPerDeliveryNs"),
            ns.getDouble("serverCpuPerDeliveryNs"), "lower"));
        rows.add(new Row("server+generator CPU ns/delivery", at, withGenerator(hs), withGenerator(ns), "lower"));
        if (hs.containsKey("machineCpuSeconds") && ns.containsKey("machineCpuSeconds")) {
          rows.add(new Row("machine CPU ns/delivery", at, machine(hs), machine(ns), "lower"));
        }
        if (hs.containsKey("machineProbeMs") && ns.containsKey("machineProbeMs")) {
          rows.add(new Row("machine probe ms", at, probeMean(hs), probeMean(ns), "(the machine)"));
        }
        for (String p : new String[] {"p50", "p99", "p999", "max"}) {
          rows.add(new Row("latency " + p + " ms", at, hs.getJsonObject("latencyMs").getDouble(p),
              ns.getJsonObject("latencyMs").getDouble(p), "lower"));
        }
        if (hs.containsKey("firstDeliveryMs") && ns.containsKey("firstDeliveryMs")) {
          for (String p : new String[] {"p50", "p99"}) {
            rows.add(new Row("first delivery " + p + " ms", at, hs.getJsonObject("firstDeliveryMs").getDouble(p),
                ns.getJsonObject("firstDeliveryMs").getDouble(p), "lower"));
          }
        }
        if (hs.containsKey("eventBus") || ns.containsKey("eventBus")) {
          rows.add(new Row("event-bus bytes/message", at, busBytesPerMessage(hs), busBytesPerMessage(ns),
              "lower"));
        }
        rows.addAll(stepsAtRate(ha, na, hs.getDouble("rate"), at));
      }
    }
    return rows;
  }

  /**
   * The figures above come from one pair of steps, the last at the rate. When a run repeats its rate
   * ({@code --rates 10,10,10,10}), the median over its passed steps at that rate; and, where the steps carry the
   * probes of the machine, the median over the quiet ones only ({@link QuietSteps}), so that two servers are
   * compared on the same machine rather than on whatever the host did in their last steps.
   */
  static List<Row> stepsAtRate(JsonArray ha, JsonArray na, double rate, String at) {
    List<JsonObject> h = passedAt(ha, rate);
    List<JsonObject> n = passedAt(na, rate);
    List<Row> rows = new ArrayList<>();
    if (h.size() > 1 || n.size() > 1) {
      rows.add(new Row("steps passed", at, (double) h.size(), (double) n.size(), "(steps)"));
      rows.add(new Row("server CPU ns/delivery, steps' median", at, median(cpu(h)), median(cpu(n)), "lower"));
      rows.add(new Row("latency p50 ms, steps' median", at, median(p50(h)), median(p50(n)), "lower"));
    }
    QuietSteps quiet = QuietSteps.of(List.of(ha, na));
    if (quiet != null) {
      List<JsonObject> hq = h.stream().filter(quiet::isQuiet).toList();
      List<JsonObject> nq = n.stream().filter(quiet::isQuiet).toList();
      rows.add(new Row("quiet steps passed", at, (double) hq.size(), (double) nq.size(), "(steps)"));
      rows.add(new Row("server CPU ns/delivery, quiet steps' median", at, median(cpu(hq)), median(cpu(nq)),
          "lower"));
      rows.add(new Row("latency p50 ms, quiet steps' median", at, median(p50(hq)), median(p50(nq)), "lower"));
    }
    return rows;
  }

  private static List<JsonObject> passedAt(JsonArray steps, double rate) {
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      JsonObject s = steps.getJsonObject(i);
      if (s.getBoolean("pass") && s.getDouble("rate") == rate) {
        out.add(s);
      }
    }
    return out;
  }

  private static List<Double> cpu(List<JsonObject> steps) {
    return steps.stream().map(s -> s.getDouble("serverCpuPerDeliveryNs")).toList();
  }

  private static List<Double> p50(List<JsonObject> steps) {
    return steps.stream().map(s -> s.getJsonObject("latencyMs").getDouble("p50")).toList();
  }

  /**
   * Server and generator CPU per delivery together. On loopback the readers' side of TCP runs in the time of whoever
   * holds the core when a segment arrives, sender or reader, so a change can move CPU between the two accounts
   * without saving any (BENCHMARKS.md, "The whole machine's CPU per delivery"); the sum is what it must lower.
   */
  static Double withGenerator(JsonObject step) {
    return perDelivery(step, step.getDouble("serverCpuSeconds") + step.getDouble("clientCpuSeconds"));
  }

  /** All CPUs' busy time per delivery: the processes measured, and the kernel's threads that ran for them. */
  static Double machine(JsonObject step) {
    return perDelivery(step, step.getDouble("machineCpuSeconds"));
  }

  /** {@code seconds} of CPU per delivery of the step, by the server's own CPU per delivery; null without server CPU. */
  private static Double perDelivery(JsonObject step, double seconds) {
    double server = step.getDouble("serverCpuSeconds");
    return server == 0 ? null : step.getDouble("serverCpuPerDeliveryNs") * seconds / server;
  }

  /** The mean of the probe before and after: the machine's speed around a phase (more ms, slower). */
  private static Double probeMean(JsonObject phase) {
    JsonObject p = phase.getJsonObject("machineProbeMs");
    return (p.getDouble("before") + p.getDouble("after")) / 2;
  }

  private static Double busBytesPerMessage(JsonObject step) {
    JsonObject bus = step.getJsonObject("eventBus");
    return bus == null ? null : bus.getDouble("bytesPerMessage");
  }

  private static String fmt(Double v) {
    if (v == null) {
      return "-";
    }
    return v == Math.rint(v) && Math.abs(v) < 1e12 ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%.2f", v);
  }

  /** The last result of each scenario in a JSON-lines file, in file order. */
  private static Map<String, JsonObject> read(Path file) throws IOException {
    Map<String, JsonObject> m = new LinkedHashMap<>();
    readAll(file).forEach((scenario, results) -> m.put(scenario, results.get(results.size() - 1)));
    return m;
  }

  /** Every result of each scenario in a JSON-lines file, scenarios in the order they first appear. */
  private static Map<String, List<JsonObject>> readAll(Path file) throws IOException {
    Map<String, List<JsonObject>> m = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith("{")) {
        JsonObject r = new JsonObject(line);
        m.computeIfAbsent(r.getString("scenario"), x -> new ArrayList<>()).add(r);
      }
    }
    return m;
  }
}
