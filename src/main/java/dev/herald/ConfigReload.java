package dev.herald;

import dev.herald.config.ConfigException;
import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * Watches the config file (vertx-config, file store, {@code reload.scanPeriodMs}) and, when it changes, validates
 * it whole with {@link ConfigLoader} and the start-up environment (so {@code HERALD_*} overrides keep winning). A
 * file that does not validate is rejected with one WARN line naming the key, and the running settings stay. A
 * valid one applies its {@link #LIVE} settings through {@link LiveSettings} (one INFO line per changed setting,
 * names only, never values) and logs a WARN for each other changed setting, which needs a restart. Every callback
 * runs on the context the watcher was created on, so its fields need no lock.
 */
final class ConfigReload {

  /** The settings (and the sections below them) that apply without a restart. */
  static final List<String> LIVE = List.of("limits", "http.allowedOrigins", "http.trustedProxies", "namespaces",
      "security.publishers", "security.jwt", "security.adminKeys", "log.level");

  private static final Logger LOG = Logger.getLogger(ConfigReload.class.getName());
  private static final String TEXT = "text";

  private final Path file;
  private final Map<String, String> env;
  private final LiveSettings live;
  private final ConfigRetriever retriever;
  /** The settings of the last file that validated, flattened to {@code section.key → value}. */
  private Map<String, Object> seen;

  private ConfigReload(Vertx vertx, Path file, Map<String, String> env, HeraldConfig config, LiveSettings live) {
    this.file = file;
    this.env = env;
    this.live = live;
    this.seen = flatten(config.effective());
    // The raw text, not the json format: the text is parsed here, so a file that is not JSON gets the same message
    // as at start-up, once, rather than a stack trace from the retriever on every scan.
    retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
        .setScanPeriod(config.reload().scanPeriodMs())
        .addStore(new ConfigStoreOptions().setType("file").setFormat("raw")
            .setConfig(new JsonObject().put("path", file.toString()).put("raw.key", TEXT))));
    retriever.listen(change -> reload(change.getNewConfiguration().getString(TEXT, "")));
    retriever.configStream().exceptionHandler(e -> LOG.warning("cannot read config file " + file + ": "
        + e.getMessage() + "; keeping the running config"));
  }

  /**
   * Starts watching {@code file}; completes with null when there is nothing to watch (no file, or {@code reload.scanPeriodMs}
   * is 0).
   */
  static Future<ConfigReload> start(Vertx vertx, Path file, Map<String, String> env, HeraldConfig config,
                                    LiveSettings live) {
    if (file == null || !config.reload().enabled()) {
      return Future.succeededFuture();
    }
    ConfigReload reload = new ConfigReload(vertx, file, env, config, live);
    LOG.fine("watching " + file + " every " + config.reload().scanPeriodMs() + " ms");
    // The first read is the retriever's reference for changes; a file edited since start-up is applied now.
    return reload.retriever.getConfig().map(first -> {
      reload.reload(first.getString(TEXT, ""));
      return reload;
    });
  }

  Future<Void> close() {
    return retriever.close();
  }

  private void reload(String text) {
    HeraldConfig config;
    try {
      config = ConfigLoader.fromText(text, file, env);
    } catch (ConfigException e) {
      LOG.warning("config change rejected, keeping the running config: " + e.getMessage());
      return;
    }
    Map<String, Object> next = flatten(config.effective());
    TreeSet<String> keys = new TreeSet<>(seen.keySet());
    keys.addAll(next.keySet());
    List<String> changed = keys.stream().filter(k -> !Objects.equals(seen.get(k), next.get(k))).toList();
    seen = next;
    if (changed.isEmpty()) {
      return;
    }
    List<String> applied = changed.stream().filter(ConfigReload::isLive).toList();
    live.apply(config, env);
    if (applied.contains("log.level")) {
      Logger.getLogger("").setLevel(LogSetup.level(config.log().level()));
    }
    for (String key : changed) {
      if (applied.contains(key)) {
        LOG.info(key + " changed in " + file + "; applied");
      } else {
        LOG.warning(key + " changed in " + file + "; needs a restart, not applied");
      }
    }
  }

  static boolean isLive(String key) {
    return LIVE.stream().anyMatch(p -> key.equals(p) || key.startsWith(p + "."));
  }

  /** {@code {"limits":{"maxFrameBytes":1}}} → {@code limits.maxFrameBytes → 1}; lists are values. */
  static Map<String, Object> flatten(JsonObject tree) {
    Map<String, Object> out = new TreeMap<>();
    flatten("", tree, out);
    return out;
  }

  private static void flatten(String prefix, JsonObject tree, Map<String, Object> out) {
    for (String key : tree.fieldNames()) {
      Object v = tree.getValue(key);
      if (v instanceof JsonObject o && !o.isEmpty()) {
        flatten(prefix + key + ".", o, out);
      } else {
        out.put(prefix + key, v);
      }
    }
  }
}
