package dev.herald.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Loads the configuration: built-in defaults, then the JSON file, then {@code HERALD_*} environment variables
 * (each setting has one, see {@link ConfigReader#envName}). Everything is validated here, once; a bad file stops
 * the node with a message naming the key and the file.
 */
public final class ConfigLoader {

  /** Variables that are read by name elsewhere and are not config keys. */
  public static final Set<String> NAMED_VARIABLES = Set.of("HERALD_PUBLISH_KEY", "HERALD_ADMIN_KEY");

  private static final Logger LOG = Logger.getLogger(ConfigLoader.class.getName());

  private ConfigLoader() {
  }

  /** Loads {@code file} (or built-in defaults when null) with the process environment. */
  public static HeraldConfig load(Path file) {
    return load(file, System.getenv());
  }

  public static HeraldConfig load(Path file, Map<String, String> env) {
    if (file == null) {
      return fromJson(new JsonObject(), "defaults", env);
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    return fromText(text, file, env);
  }

  /** Validates the text of {@code file} (already read, e.g. by the reload watcher). */
  public static HeraldConfig fromText(String text, Path file, Map<String, String> env) {
    JsonObject tree;
    try {
      tree = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new ConfigException("config file " + file + " is not a JSON object: " + firstLine(e.getMessage()));
    }
    return fromJson(tree, file.toString(), env);
  }

  /** Validates a tree; {@code source} names it in errors. */
  public static HeraldConfig fromJson(JsonObject tree, String source, Map<String, String> env) {
    ConfigReader reader = ConfigReader.root(tree, source, env);
    HeraldConfig config = HeraldConfig.read(reader);
    reader.finish();
    List<String> unused = reader.unusedEnvironment(NAMED_VARIABLES);
    for (String name : unused) {
      LOG.warning("environment variable " + name + " matches no setting and is ignored");
    }
    return config;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
