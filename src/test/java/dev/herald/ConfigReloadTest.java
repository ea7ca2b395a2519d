package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Which changed settings apply live, and how the settings tree is compared. */
class ConfigReloadTest {

  @Test
  void liveSettingsAndTheSectionsBelowThemApplyLive() {
    assertThat(ConfigReload.isLive("limits.maxFrameBytes")).isTrue();
    assertThat(ConfigReload.isLive("http.allowedOrigins")).isTrue();
    assertThat(ConfigReload.isLive("namespaces.user")).isTrue();
    assertThat(ConfigReload.isLive("security.jwt.hs256Secrets")).isTrue();
    assertThat(ConfigReload.isLive("log.level")).isTrue();
  }

  @Test
  void everythingElseNeedsARestart() {
    assertThat(ConfigReload.isLive("http.port")).isFalse();
    assertThat(ConfigReload.isLive("log.format")).isFalse();
    assertThat(ConfigReload.isLive("limitsX.maxFrameBytes")).isFalse();
    assertThat(ConfigReload.isLive("reload.scanPeriodMs")).isFalse();
  }

  @Test
  void flattenNamesEveryLeafAndKeepsListsWhole() {
    JsonObject tree = new JsonObject().put("limits", new JsonObject().put("maxFrameBytes", 1))
        .put("http", new JsonObject().put("allowedOrigins", new JsonArray().add("*"))).put("engine", "memory");
    assertThat(ConfigReload.flatten(tree)).containsOnlyKeys("limits.maxFrameBytes", "http.allowedOrigins", "engine")
        .containsEntry("http.allowedOrigins", new JsonArray().add("*"));
  }
}
