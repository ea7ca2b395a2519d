package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecurityConfigTest {

  private static HeraldConfig load(JsonObject tree, Map<String, String> env) {
    return ConfigLoader.fromJson(tree, "test.json", env);
  }

  @Test
  void defaultsHaveNoKeysAndAPrivateUserNamespace() {
    HeraldConfig c = load(new JsonObject(), Map.of());
    assertThat(c.security().publishers()).isEmpty();
    assertThat(c.security().jwt().configured()).isFalse();
    assertThat(c.namespaces().isPrivate("user")).isTrue();
    assertThat(c.namespaces().isPrivate("thread")).isFalse();
  }

  @Test
  void publishersNamespacesAndEnvironmentKeyAreRead() {
    String hash = PublisherConfig.sha256Hex("k");
    JsonObject tree = new JsonObject()
        .put("namespaces", new JsonObject().put("team", "private").put("user", "public"))
        .put("security", new JsonObject().put("publishers", new JsonArray()
            .add(new JsonObject().put("sha256", hash.toUpperCase()).put("namespaces", new JsonArray().add("thread")))));
    HeraldConfig c = load(tree, Map.of("HERALD_PUBLISH_KEY", "env-key"));
    assertThat(c.security().publishers()).containsExactly(new PublisherConfig(hash, List.of("thread")),
        new PublisherConfig(PublisherConfig.sha256Hex("env-key"), List.of("*")));
    assertThat(c.namespaces().isPrivate("team")).isTrue();
    assertThat(c.namespaces().isPrivate("user")).isFalse();
    assertThat(c.effective().encode()).doesNotContain("env-key");
  }

  @Test
  void badEntriesNameTheSetting() {
    assertThatThrownBy(() -> load(new JsonObject().put("security", new JsonObject().put("publishers",
        new JsonArray().add(new JsonObject().put("sha256", "abc").put("namespaces", new JsonArray().add("*"))))),
        Map.of())).hasMessageContaining("security.publishers[0].sha256");
    assertThatThrownBy(() -> load(new JsonObject().put("security", new JsonObject().put("publishers",
        new JsonArray().add(new JsonObject().put("sha256", PublisherConfig.sha256Hex("k"))
            .put("namespaces", new JsonArray())))), Map.of())).hasMessageContaining("security.publishers[0].namespaces");
    assertThatThrownBy(() -> load(new JsonObject().put("namespaces", new JsonObject().put("user", "secret")),
        Map.of())).hasMessageContaining("namespaces.user");
    assertThatThrownBy(() -> load(new JsonObject().put("security", new JsonObject().put("jwt",
        new JsonObject().put("hs256Secrets", new JsonArray().add("short")))), Map.of()))
        .hasMessageContaining("security.jwt.hs256Secrets").hasMessageNotContaining("short");
  }

  @Test
  void jwtSecretsStayOutOfToStringAndEffectiveConfig() {
    String secret = "s".repeat(40);
    HeraldConfig c = load(new JsonObject().put("security", new JsonObject().put("jwt",
        new JsonObject().put("hs256Secrets", new JsonArray().add(secret)))), Map.of());
    assertThat(c.security().toString()).doesNotContain(secret);
    assertThat(c.effective().encode()).doesNotContain(secret);
  }
}
