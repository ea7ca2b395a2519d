package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operations sections: metrics, shutdown, security, reload. */
class OpsConfigTest {

  private static final String HASH = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @Test
  void defaults() {
    HeraldConfig c = ConfigLoader.fromJson(new JsonObject(), "test", Map.of());
    assertThat(c.metrics().port()).isZero();
    assertThat(c.metrics().pollIntervalMs()).isEqualTo(MetricsConfig.DEFAULT_POLL_INTERVAL_MS);
    assertThat(c.shutdown().drainWindowMs()).isEqualTo(5000);
    assertThat(c.security().adminKeys()).isEmpty();
  }

  @Test
  void environmentOverridesTheFile() {
    HeraldConfig c = ConfigLoader.fromJson(new JsonObject().put("shutdown", new JsonObject().put("drainWindowMs", 1)),
        "test", Map.of("HERALD_SHUTDOWN_DRAIN_WINDOW_MS", "2500", "HERALD_METRICS_PORT", "9100"));
    assertThat(c.shutdown().drainWindowMs()).isEqualTo(2500);
    assertThat(c.metrics().port()).isEqualTo(9100);
  }

  @Test
  void reloadScanPeriodDefaultsToTwoSecondsAndZeroTurnsItOff() {
    assertThat(ConfigLoader.fromJson(new JsonObject(), "test", Map.of()).reload().scanPeriodMs())
        .isEqualTo(ReloadConfig.DEFAULT_SCAN_PERIOD_MS);
    HeraldConfig off = ConfigLoader.fromJson(new JsonObject().put("reload", new JsonObject().put("scanPeriodMs", 0)),
        "test", Map.of());
    assertThat(off.reload().enabled()).isFalse();
    assertThatThrownBy(() -> ConfigLoader.fromJson(new JsonObject().put("reload",
        new JsonObject().put("scanPeriodMs", -1)), "conf/herald.json", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("reload.scanPeriodMs");
  }

  @Test
  void adminKeysMustBeHashesNotKeys() {
    HeraldConfig c = ConfigLoader.fromJson(new JsonObject().put("security",
        new JsonObject().put("adminKeys", new JsonArray().add(HASH.toUpperCase()))), "test", Map.of());
    assertThat(c.security().adminKeys()).containsExactly(HASH);
    assertThatThrownBy(() -> ConfigLoader.fromJson(new JsonObject().put("security",
        new JsonObject().put("adminKeys", new JsonArray().add("plaintext"))), "conf/herald.json", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("security.adminKeys")
        .hasMessageContaining("conf/herald.json");
  }

  @Test
  void negativeDrainWindowIsRejectedNamingTheKey() {
    assertThatThrownBy(() -> ConfigLoader.fromJson(new JsonObject().put("shutdown",
        new JsonObject().put("drainWindowMs", -1)), "test", Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("shutdown.drainWindowMs");
  }
}
