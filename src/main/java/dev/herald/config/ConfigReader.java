package dev.herald.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads one section of the config tree with defaults, types and bounds checked, and with the section's
 * {@code HERALD_*} environment variables taking precedence over the file. Every key read is remembered, so
 * {@link #finish()} can reject the keys nobody asked for (typos), and {@link #effective()} shows what the node runs
 * with. Not thread-safe; used once at start-up (and on reload).
 */
public final class ConfigReader {

  private final JsonObject section;
  private final String path;
  private final String source;
  private final Map<String, String> env;
  private final Set<String> envSeen;
  private final Set<String> read = new HashSet<>();
  private final JsonObject effective = new JsonObject();
  private final List<ConfigReader> children = new ArrayList<>();

  private ConfigReader(JsonObject section, String path, String source, Map<String, String> env, Set<String> envSeen) {
    this.section = section;
    this.path = path;
    this.source = source;
    this.env = env;
    this.envSeen = envSeen;
  }

  /** A reader of the whole tree. {@code source} names the file (or "defaults") in error messages. */
  public static ConfigReader root(JsonObject tree, String source, Map<String, String> env) {
    return new ConfigReader(tree, "", source, env, new HashSet<>());
  }

  /** The environment variable that overrides {@code path}: {@code limits.maxFrameBytes} → {@code HERALD_LIMITS_MAX_FRAME_BYTES}. */
  public static String envName(String path) {
    StringBuilder sb = new StringBuilder("HERALD_");
    for (char c : path.toCharArray()) {
      if (c == '.') {
        sb.append('_');
      } else if (Character.isUpperCase(c)) {
        sb.append('_').append(c);
      } else {
        sb.append(Character.toUpperCase(c));
      }
    }
    return sb.toString().toUpperCase(Locale.ROOT);
  }

  /** A nested object section; a missing one reads as all defaults. */
  public ConfigReader section(String key) {
    read.add(key);
    Object raw = section.getValue(key);
    if (raw != null && !(raw instanceof JsonObject)) {
      throw error(key, "must be an object");
    }
    ConfigReader child = new ConfigReader(raw == null ? new JsonObject() : (JsonObject) raw, pathOf(key), source, env,
        envSeen);
    children.add(child);
    effective.put(key, child.effective);
    return child;
  }

  public String string(String key, String def) {
    return value(key, def, v -> v instanceof String s ? s : null, s -> s, "a string");
  }

  public boolean bool(String key, boolean def) {
    return value(key, def, v -> v instanceof Boolean b ? b : null, s -> switch (s.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> null;
    }, "true or false");
  }

  /** An integer within {@code [min, max]}. */
  public int integer(String key, int def, int min, int max) {
    long v = longValue(key, def, min, max);
    return (int) v;
  }

  /** A long within {@code [min, max]}. */
  public long longValue(String key, long def, long min, long max) {
    long v = value(key, def, ConfigReader::asWholeNumber, ConfigReader::parseLong, "a whole number");
    if (v < min || v > max) {
      throw error(key, max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "must be >= " + min
          : "must be between " + min + " and " + max);
    }
    return v;
  }

  /** One of {@code allowed}. */
  public String oneOf(String key, String def, Set<String> allowed) {
    String v = string(key, def);
    if (!allowed.contains(v)) {
      throw error(key, "must be one of " + String.join(", ", allowed.stream().sorted().toList()));
    }
    return v;
  }

  /** A list of strings; from the environment, comma-separated. */
  public List<String> strings(String key, List<String> def) {
    return value(key, def, v -> {
      if (!(v instanceof JsonArray a)) {
        return null;
      }
      List<String> out = new ArrayList<>();
      for (Object o : a) {
        if (!(o instanceof String s)) {
          return null;
        }
        out.add(s);
      }
      return List.copyOf(out);
    }, s -> s.isBlank() ? List.of() : List.of(s.split("\\s*,\\s*")), "a list of strings");
  }

  /** A free-form object (for maps keyed by the user, such as namespaces); not overridable from the environment. */
  public JsonObject object(String key, JsonObject def) {
    read.add(key);
    Object raw = section.getValue(key);
    if (raw != null && !(raw instanceof JsonObject)) {
      throw error(key, "must be an object");
    }
    JsonObject v = raw == null ? def.copy() : (JsonObject) raw;
    effective.put(key, v);
    return v;
  }

  /** A free-form array of objects (for lists such as publisher keys); not overridable from the environment. */
  public List<JsonObject> objects(String key) {
    read.add(key);
    Object raw = section.getValue(key);
    if (raw == null) {
      effective.put(key, new JsonArray());
      return List.of();
    }
    if (!(raw instanceof JsonArray a)) {
      throw error(key, "must be a list of objects");
    }
    List<JsonObject> out = new ArrayList<>();
    for (Object o : a) {
      if (!(o instanceof JsonObject j)) {
        throw error(key, "must be a list of objects");
      }
      out.add(j);
    }
    effective.put(key, a);
    return out;
  }

  /**
   * A variable read by name, not a config key (one of {@link ConfigLoader#NAMED_VARIABLES}); null when unset. Its
   * value is not recorded in {@link #effective()}.
   */
  public String named(String variable) {
    if (!ConfigLoader.NAMED_VARIABLES.contains(variable)) {
      throw new IllegalArgumentException(variable + " is not a named variable");
    }
    return env.get(variable);
  }

  /** A {@link ConfigException} naming this section's key and the source. */
  public ConfigException error(String key, String what) {
    String where = env.containsKey(envName(pathOf(key))) ? "environment variable " + envName(pathOf(key)) : source;
    return new ConfigException(pathOf(key) + " " + what + " (" + where + ")");
  }

  /**
   * Rejects keys of this section and of every section below it that no code read: they are typos or settings of
   * another version, and silently ignoring them hides mistakes.
   */
  public void finish() {
    for (String key : section.fieldNames()) {
      if (!read.contains(key)) {
        throw new ConfigException(pathOf(key) + " is not a known setting (" + source + ")");
      }
    }
    children.forEach(ConfigReader::finish);
  }

  /** {@code HERALD_*} variables that override no setting, except those in {@code named} (used as they are). */
  public List<String> unusedEnvironment(Set<String> named) {
    return env.keySet().stream().filter(k -> k.startsWith("HERALD_")).filter(k -> !envSeen.contains(k))
        .filter(k -> !named.contains(k)).sorted().toList();
  }

  /** The settings as read, defaults and overrides applied. */
  public JsonObject effective() {
    return effective;
  }

  private String pathOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private <T> T value(String key, T def, Function<Object, T> fromJson, Function<String, T> fromEnv, String type) {
    read.add(key);
    String envKey = envName(pathOf(key));
    envSeen.add(envKey);
    T v;
    String fromEnvironment = env.get(envKey);
    if (fromEnvironment != null) {
      v = fromEnv.apply(fromEnvironment.trim());
      if (v == null) {
        throw new ConfigException(pathOf(key) + " must be " + type + " (environment variable " + envKey + ")");
      }
    } else if (section.getValue(key) == null) {
      if (section.containsKey(key)) {
        throw error(key, "must be " + type + ", not null");
      }
      v = def;
    } else {
      v = fromJson.apply(section.getValue(key));
      if (v == null) {
        throw error(key, "must be " + type);
      }
    }
    effective.put(key, v instanceof List<?> l ? new JsonArray(new ArrayList<>(l)) : v);
    return v;
  }

  private static Long asWholeNumber(Object v) {
    if (v instanceof Integer || v instanceof Long || v instanceof Short) {
      return ((Number) v).longValue();
    }
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
        && Math.abs(n.doubleValue()) < 9.0e15) {
      return n.longValue();
    }
    return null;
  }

  private static Long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
