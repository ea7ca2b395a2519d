package dev.herald.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One parsed {@code /metrics} page (Prometheus text format): each sample keyed by its name and labels exactly as
 * printed, e.g. {@code herald_transport_connections{transport="websocket"}}.
 */
public final class Scrape {

  private final Map<String, Double> samples;

  private Scrape(Map<String, Double> samples) {
    this.samples = samples;
  }

  /** A node's {@code GET /metrics} through {@code http}, parsed; fails unless it answered 200. */
  public static Scrape of(Http http) {
    Http.Reply r = http.get("/metrics");
    if (r.status() != 200) {
      throw new AssertionError("GET /metrics answered " + r.status() + ": " + r.body());
    }
    return parse(r.body());
  }

  public static Scrape parse(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space).trim(), Double.parseDouble(line.substring(space + 1)));
    }
    return new Scrape(samples);
  }

  /** A sample without labels; fails when absent. */
  public double value(String name) {
    Double v = samples.get(name);
    if (v == null) {
      throw new AssertionError("no sample " + name + " in /metrics");
    }
    return v;
  }

  /** A sample with one label; fails when absent. */
  public double value(String name, String label, String labelValue) {
    return value(name + "{" + label + "=\"" + labelValue + "\"}");
  }

  /** True when some sample's name starts with {@code prefix}. */
  public boolean has(String prefix) {
    return samples.keySet().stream().anyMatch(k -> k.startsWith(prefix));
  }

  /** The sum of every sample whose name (and labels) start with {@code prefix}; 0 when there is none. */
  public double sum(String prefix) {
    return samples.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToDouble(Map.Entry::getValue)
        .sum();
  }
}
