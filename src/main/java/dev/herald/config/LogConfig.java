package dev.herald.config;

import java.util.Set;

/**
 * Logging.
 *
 * @param level  {@code ERROR}, {@code WARN}, {@code INFO} or {@code DEBUG}; default {@value #DEFAULT_LEVEL}
 * @param format {@code plain} or {@code json} (one JSON object per line); default {@value #DEFAULT_FORMAT}
 */
public record LogConfig(String level, String format) {

  public static final String DEFAULT_LEVEL = "INFO";
  public static final String DEFAULT_FORMAT = "plain";

  static LogConfig read(ConfigReader r) {
    return new LogConfig(r.oneOf("level", DEFAULT_LEVEL, Set.of("ERROR", "WARN", "INFO", "DEBUG")),
        r.oneOf("format", DEFAULT_FORMAT, Set.of("plain", "json")));
  }
}
