package dev.herald.config;

/**
 * Prometheus metrics at {@code GET /metrics}.
 *
 * @param port          0 (default) serves {@code /metrics} on the public HTTP port; above 0, on a server of its
 *                      own on that port (same host), and not on the public one
 * @param pollIntervalMs how often gauges that need I/O (the ingest queue's pending count and lag) are refreshed, ms;
 *                      default {@value #DEFAULT_POLL_INTERVAL_MS}
 */
public record MetricsConfig(int port, long pollIntervalMs) {

  public static final int DEFAULT_PORT = 0;
  public static final long DEFAULT_POLL_INTERVAL_MS = 5000;

  static MetricsConfig read(ConfigReader r) {
    return new MetricsConfig(r.integer("port", DEFAULT_PORT, 0, 65535),
        r.longValue("pollIntervalMs", DEFAULT_POLL_INTERVAL_MS, 100, 3_600_000));
  }
}
