package dev.herald.config;

/**
 * Live reload of the config file (key {@code reload}). Only the settings listed in {@code docs/operations.md}
 * apply live; a change to any other one is logged as needing a restart.
 *
 * @param scanPeriodMs how often the config file is checked for changes, ms; default {@value #DEFAULT_SCAN_PERIOD_MS};
 *                     0 = no reload (the file is read once, at start-up). Nothing is watched when the node runs on
 *                     built-in defaults (no file)
 */
public record ReloadConfig(long scanPeriodMs) {

  public static final long DEFAULT_SCAN_PERIOD_MS = 2000;

  static ReloadConfig read(ConfigReader r) {
    return new ReloadConfig(r.longValue("scanPeriodMs", DEFAULT_SCAN_PERIOD_MS, 0, 3_600_000));
  }

  /** True when the file is watched. */
  public boolean enabled() {
    return scanPeriodMs > 0;
  }
}
