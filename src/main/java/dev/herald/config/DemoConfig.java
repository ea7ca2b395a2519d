package dev.herald.config;

/**
 * The demo comment thread at {@code /}.
 *
 * @param enabled serve the demo page and its keyless post endpoint (thread:demo only); default true; turn it off
 *                in production
 */
public record DemoConfig(boolean enabled) {

  static DemoConfig read(ConfigReader r) {
    return new DemoConfig(r.bool("enabled", true));
  }
}
