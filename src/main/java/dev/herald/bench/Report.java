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
    return String.format(Locale.ROOT, "rate %8.0f msg/s  published %7.0f/s  deliveries %10.0f/s  loss %d dup %d "
            + "order %d  p50 %7.2f p90 %7.2f p99 %8.2f p99.9 %8.2f max %8.2f ms  server CPU %6.0f ns/delivery "
            + "(%.2f s)  client CPU %.2f s  %s",
        s.getDouble("rate"), s.getDouble("publishedPerSecond"), s.getDouble("deliveriesPerSecond"),
        s.getLong("loss"), s.getLong("duplicates"), s.getLong("orderViolations"), l.getDouble("p50"),
        l.getDouble("p90"), l.getDouble("p99"), l.getDouble("p999"), l.getDouble("max"),
        s.getDouble("serverCpuPerDeliveryNs"), s.getDouble("serverCpuSeconds"), s.getDouble("clientCpuSeconds"),
        s.getBoolean("pass") ? "PASS" : "FAIL" + (s.getString("publishFirstError") == null ? ""
            : " (" + s.getString("publishFirstError") + ")"));
  }

  static String summary(JsonObject r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "== %s on %s: %d subscribers, %d channels (commit %s, %s, %d CPUs, "
            + "server flags: %s)%n", r.getString("scenario"), r.getString("target"), r.getInteger("subscribers"),
        r.getInteger("channels"), r.getString("commit"), r.getString("jdk"), r.getInteger("cpus"),
        r.getString("serverFlags")));
    JsonObject c = r.getJsonObject("connect");
    if (c != null) {
      sb.append(String.format(Locale.ROOT, "   connections %d established, %d failed, %d subscribed; %.2f s "
              + "(%.0f/s), all subscribed after %.2f s; server CPU %.2f s%s%n", c.getLong("established"),
          c.getLong("failed"), c.getLong("subscribed"), c.getDouble("seconds"), c.getDouble("perSecond"),
          c.getDouble("subscribedSeconds"), c.getDouble("serverCpuSeconds"),
          c.getString("firstError") == null ? "" : "; first error " + c.getString("firstError")));
    }
    JsonObject m = r.getJsonObject("memory");
    if (m != null) {
      sb.append(String.format(Locale.ROOT, "   server RSS %.1f MB -> %.1f MB after full GC: %d bytes/connection",
          m.getLong("rssBeforeBytes") / 1048576.0, m.getLong("rssAfterBytes") / 1048576.0,
          m.getLong("rssPerConnectionBytes")));
      if (m.containsKey("heapPerConnectionBytes")) {
        sb.append(String.format(Locale.ROOT, "; heap used %.1f MB -> %.1f MB: %d bytes/connection",
            m.getLong("heapBeforeBytes") / 1048576.0, m.getLong("heapAfterBytes") / 1048576.0,
            m.getLong("heapPerConnectionBytes")));
      }
      sb.append('\n');
    }
    JsonArray steps = r.getJsonArray("steps");
    if (steps != null) {
      for (int i = 0; i < steps.size(); i++) {
        sb.append("   ").append(stepLine(steps.getJsonObject(i))).append('\n');
      }
      JsonObject best = r.getJsonObject("best");
      sb.append(best == null ? "   no step passed\n" : String.format(Locale.ROOT,
          "   highest sustained: %.0f deliveries/s at %.0f msg/s%n", best.getDouble("deliveriesPerSecond"),
          best.getDouble("rate")));
    }
    return sb.toString();
  }

  static void table(Path file) throws IOException {
    for (JsonObject r : read(file).values()) {
      System.out.print(summary(r));
    }
  }

  /** Herald beside nchan, scenario by scenario, with the ratio Herald/nchan and which way is better. */
  static void compare(Path heraldFile, Path nchanFile) throws IOException {
    Map<String, JsonObject> herald = read(heraldFile);
    Map<String, JsonObject> nchan = read(nchanFile);
    System.out.printf(Locale.ROOT, "%-14s %-40s %14s %14s %8s  %s%n", "scenario", "figure", "herald", "nchan",
        "ratio", "better");
    for (Map.Entry<String, JsonObject> e : herald.entrySet()) {
      JsonObject h = e.getValue();
      JsonObject n = nchan.get(e.getKey());
      if (n == null) {
        continue;
      }
      for (Row row : rows(h, n)) {
        System.out.printf(Locale.ROOT, "%-14s %-40s %14s %14s %8s  %s%n", e.getKey(), row.name, fmt(row.herald),
            fmt(row.nchan), row.herald == null || row.nchan == null || row.nchan == 0 ? "-"
                : String.format(Locale.ROOT, "%.2f", row.herald / row.nchan), row.better);
      }
    }
  }

  private record Row(String name, Double herald, Double nchan, String better) {
  }

  private static List<Row> rows(JsonObject h, JsonObject n) {
    List<Row> rows = new ArrayList<>();
    JsonObject hc = h.getJsonObject("connect");
    JsonObject nc = n.getJsonObject("connect");
    rows.add(new Row("connections established", hc.getDouble("established"), nc.getDouble("established"),
        "higher"));
    rows.add(new Row("connects/s", hc.getDouble("perSecond"), nc.getDouble("perSecond"), "higher"));
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
        rows.add(new Row("server CPU ns/delivery" + at, hs.getDouble("serverCpuPerDeliveryNs"),
            ns.getDouble("serverCpuPerDeliveryNs"), "lower"));
        for (String p : new String[] {"p50", "p99", "p999", "max"}) {
          rows.add(new Row("latency " + p + " ms" + at, hs.getJsonObject("latencyMs").getDouble(p),
              ns.getJsonObject("latencyMs").getDouble(p), "lower"));
        }
      }
    }
    return rows;
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
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith("{")) {
        JsonObject r = new JsonObject(line);
        m.put(r.getString("scenario"), r);
      }
    }
    return m;
  }
}
