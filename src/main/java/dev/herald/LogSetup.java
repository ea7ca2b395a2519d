package dev.herald;

import dev.herald.config.LogConfig;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One log line per event on standard error, plain or JSON, each with the node id. */
final class LogSetup {

  private LogSetup() {
  }

  static void configure(LogConfig config, String nodeId) {
    Logger root = Logger.getLogger("");
    for (var h : root.getHandlers()) {
      root.removeHandler(h);
    }
    ConsoleHandler handler = new ConsoleHandler();
    handler.setLevel(Level.ALL);
    handler.setFormatter("json".equals(config.format()) ? new JsonLines(nodeId) : new PlainLines(nodeId));
    root.addHandler(handler);
    root.setLevel(level(config.level()));
    // Hazelcast and Netty are chatty at INFO; their warnings still show.
    Logger.getLogger("com.hazelcast").setLevel(Level.WARNING);
    Logger.getLogger("io.netty").setLevel(Level.WARNING);
  }

  static Level level(String name) {
    return switch (name) {
      case "ERROR" -> Level.SEVERE;
      case "WARN" -> Level.WARNING;
      case "DEBUG" -> Level.FINE;
      default -> Level.INFO;
    };
  }

  private static String throwable(LogRecord r) {
    if (r.getThrown() == null) {
      return "";
    }
    StringWriter sw = new StringWriter();
    r.getThrown().printStackTrace(new PrintWriter(sw));
    return sw.toString();
  }

  private static final class PlainLines extends Formatter {
    private final String nodeId;

    PlainLines(String nodeId) {
      this.nodeId = nodeId;
    }

    @Override
    public String format(LogRecord r) {
      String logger = r.getLoggerName() == null ? "" : r.getLoggerName().substring(r.getLoggerName().lastIndexOf('.') + 1);
      return Instant.ofEpochMilli(r.getMillis()) + " " + r.getLevel().getName() + " [" + nodeId + "] " + logger + ": "
          + formatMessage(r) + System.lineSeparator() + throwable(r);
    }
  }

  private static final class JsonLines extends Formatter {
    private final String nodeId;

    JsonLines(String nodeId) {
      this.nodeId = nodeId;
    }

    @Override
    public String format(LogRecord r) {
      JsonObject o = new JsonObject().put("time", Instant.ofEpochMilli(r.getMillis()).toString())
          .put("level", r.getLevel().getName()).put("node", nodeId).put("logger", r.getLoggerName())
          .put("message", formatMessage(r));
      if (r.getThrown() != null) {
        o.put("error", throwable(r));
      }
      return o.encode() + System.lineSeparator();
    }
  }
}
