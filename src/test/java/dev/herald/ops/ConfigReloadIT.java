package dev.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.config.ConfigLoader;
import dev.herald.testing.Await;
import dev.herald.testing.Eventually;
import dev.herald.testing.TestNodes;
import dev.herald.testing.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node watching a temp config file ({@code reload.scanPeriodMs} 200): a lower channel limit applies to new
 * connections, a broken file is rejected with a line naming the key and the old limit stays, an environment
 * override keeps winning, and a restart-only setting is logged and not applied. Changes are awaited with a
 * deadline, never a fixed sleep.
 */
class ConfigReloadIT {

  private static final int CHANNELS = 6;

  /** Held so the logger, and the handler on it, are not collected. */
  private final Logger reloadLog = Logger.getLogger("dev.herald.ConfigReload");
  private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      logged.add(r);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
  };

  @TempDir
  Path dir;
  private Path file;
  private Vertx vertx;
  private HeraldNode node;

  @BeforeEach
  void setUp() {
    reloadLog.addHandler(capture);
    file = dir.resolve("herald.json");
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    if (node != null) {
      Await.of(node.stop(0), 30);
    }
    Await.of(vertx.close(), 30);
    reloadLog.removeHandler(capture);
  }

  @Test
  void lowerChannelLimitAppliesToNewConnections() throws IOException {
    start(tree(5), Map.of());
    assertThat(subscribedOf(CHANNELS)).isEqualTo(5);
    WsTestClient before = WsTestClient.connect(vertx, node.port(), "/ws?channels=thread:1,thread:2,thread:3,thread:4");
    before.nextOp("hello");

    write(tree(3).encodePrettily());

    Eventually.within(10, () -> assertThat(subscribedOf(CHANNELS)).isEqualTo(3));
    assertThat(messages(Level.INFO)).anyMatch(m -> m.startsWith("limits.maxChannelsPerConnection changed in "));
    // A connection opened before the change keeps the limit it started with.
    before.send(new JsonObject().put("op", "subscribe").put("channels", List.of("thread:5")));
    assertThat(before.next(f -> "thread:5".equals(f.getString("channel"))).getString("op")).isEqualTo("subscribed");
    before.close();
  }

  @Test
  void brokenFileIsRejectedAndTheOldLimitStays() throws IOException {
    start(tree(5), Map.of());
    JsonObject wrongType = tree(5);
    wrongType.getJsonObject("limits").put("maxChannelsPerConnection", "three");
    JsonObject unknownKey = tree(3);
    unknownKey.getJsonObject("limits").put("maxChannelz", 3);
    Map<String, String> brokenFiles = Map.of(
        wrongType.encode(), "limits.maxChannelsPerConnection must be a whole number",
        unknownKey.encode(), "limits.maxChannelz is not a known setting",
        "{\"limits\": {\"maxChannelsPerConnection\": 3", "is not a JSON object");

    for (Map.Entry<String, String> broken : brokenFiles.entrySet()) {
      write(broken.getKey());
      Eventually.within(10, () -> assertThat(messages(Level.WARNING))
          .anyMatch(m -> m.startsWith("config change rejected") && m.contains(broken.getValue())));
      assertThat(subscribedOf(CHANNELS)).isEqualTo(5);
    }
    // The watcher survives the rejections: a valid file applies again.
    write(tree(3).encode());
    Eventually.within(10, () -> assertThat(subscribedOf(CHANNELS)).isEqualTo(3));
  }

  @Test
  void environmentOverrideKeepsWinningAfterReload() throws IOException {
    start(tree(5), Map.of("HERALD_LIMITS_MAX_CHANNELS_PER_CONNECTION", "4"));
    assertThat(subscribedOf(CHANNELS)).isEqualTo(4);
    JsonObject changed = tree(2);
    changed.getJsonObject("limits").put("maxFrameBytes", 4096);

    write(changed.encode());

    // The frame limit shows the file was applied; the channel limit is the environment's.
    Eventually.within(10, () -> assertThat(messages(Level.INFO))
        .anyMatch(m -> m.startsWith("limits.maxFrameBytes changed in ")));
    assertThat(subscribedOf(CHANNELS)).isEqualTo(4);
    assertThat(messages(Level.INFO)).noneMatch(m -> m.startsWith("limits.maxChannelsPerConnection"));
  }

  @Test
  void restartOnlySettingIsLoggedAndNotApplied() throws IOException {
    start(tree(5), Map.of());
    int port = node.port();
    JsonObject changed = tree(3);
    changed.getJsonObject("http").put("port", 1);

    write(changed.encode());

    Eventually.within(10, () -> assertThat(messages(Level.WARNING))
        .contains("http.port changed in " + file + "; needs a restart, not applied"));
    assertThat(node.port()).isEqualTo(port);
    // The live setting of the same file was applied, on the port the node started with.
    Eventually.within(10, () -> assertThat(subscribedOf(CHANNELS)).isEqualTo(3));
  }

  private void start(JsonObject tree, Map<String, String> env) throws IOException {
    write(tree.encodePrettily());
    node = Await.of(HeraldNode.start(vertx, ConfigLoader.load(file, env), file, env), 30);
  }

  /** The test node settings with a channel limit and a fast scan. */
  private static JsonObject tree(int maxChannels) {
    return TestNodes.memory().put("limits", new JsonObject().put("maxChannelsPerConnection", maxChannels))
        .put("reload", new JsonObject().put("scanPeriodMs", 200));
  }

  /** Writes the file whole (a move), so the watcher never reads half of it. */
  private void write(String text) throws IOException {
    Path tmp = Files.createTempFile(dir, "herald", ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Opens a new connection asking for {@code n} channels; how many it was granted. */
  private int subscribedOf(int n) {
    String channels = IntStream.rangeClosed(1, n).mapToObj(i -> "thread:" + i).collect(Collectors.joining(","));
    try (WsTestClient c = WsTestClient.connect(vertx, node.port(), "/ws?channels=" + channels)) {
      int granted = 0;
      for (int i = 0; i < n; i++) {
        JsonObject answer = c.next(f -> "subscribed".equals(f.getString("op")) || f.containsKey("code"));
        if ("subscribed".equals(answer.getString("op"))) {
          granted++;
        }
      }
      return granted;
    }
  }

  private List<String> messages(Level level) {
    return logged.stream().filter(r -> r.getLevel().equals(level)).map(LogRecord::getMessage).toList();
  }
}
