package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir
  Path dir;

  private HeraldConfig load(String json, Map<String, String> env) throws Exception {
    Path file = dir.resolve("herald.json");
    Files.writeString(file, json);
    return ConfigLoader.load(file, env);
  }

  @Test
  void defaultsNeedNoFile() {
    HeraldConfig c = ConfigLoader.load(null, Map.of());
    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.http().host()).isEqualTo("0.0.0.0");
    assertThat(c.engine()).isEqualTo("memory");
    assertThat(c.redis().url()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(c.limits().maxFrameBytes()).isEqualTo(65_536);
    assertThat(c.node().ioTransport()).isEqualTo("auto");
    assertThat(c.node().eventLoops()).isZero();
    assertThat(c.node().channelLingerMs()).isEqualTo(5_000);
    assertThat(c.node().effectiveEventLoops()).isEqualTo(io.vertx.core.VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE);
  }

  @Test
  void shippedConfFileListsEveryDefault() throws Exception {
    JsonObject shipped = new JsonObject(Files.readString(Path.of("conf", "herald.json")));
    JsonObject defaults = ConfigLoader.load(null, Map.of()).effective();
    assertThat(shipped).as("conf/herald.json should be:\n%s", defaults.encodePrettily()).isEqualTo(defaults);
  }

  @Test
  void shippedConfFileLoads() {
    HeraldConfig c = ConfigLoader.load(Path.of("conf", "herald.json"), Map.of());
    assertThat(c.http().port()).isEqualTo(8080);
  }

  @Test
  void environmentOverridesTheFile() throws Exception {
    HeraldConfig c = load("{\"http\":{\"port\":9000},\"limits\":{\"maxFrameBytes\":1024}}",
        Map.of("HERALD_HTTP_PORT", "9100", "HERALD_ENGINE", "redis", "HERALD_REDIS_URL", "redis://r:1",
            "HERALD_LIMITS_MAX_FRAME_BYTES", "2048", "HERALD_HTTP_ALLOWED_ORIGINS", "https://a.test, https://b.test",
            "HERALD_NODE_IO_TRANSPORT", "epoll", "HERALD_NODE_EVENT_LOOPS", "3", "HERALD_NODE_CHANNEL_LINGER_MS", "0"));
    assertThat(c.node().ioTransport()).isEqualTo("epoll");
    assertThat(c.node().channelLingerMs()).isZero();
    assertThat(c.node().effectiveEventLoops()).isEqualTo(3);
    assertThat(c.http().port()).isEqualTo(9100);
    assertThat(c.engine()).isEqualTo("redis");
    assertThat(c.redis().url()).isEqualTo("redis://r:1");
    assertThat(c.limits().maxFrameBytes()).isEqualTo(2048);
    assertThat(c.http().allowedOrigins()).containsExactly("https://a.test", "https://b.test");
  }

  @Test
  void envNamesSplitCamelCase() {
    assertThat(ConfigReader.envName("limits.maxFrameBytes")).isEqualTo("HERALD_LIMITS_MAX_FRAME_BYTES");
    assertThat(ConfigReader.envName("http.port")).isEqualTo("HERALD_HTTP_PORT");
    assertThat(ConfigReader.envName("engine")).isEqualTo("HERALD_ENGINE");
  }

  @Test
  void unknownEnvironmentVariableIsIgnored() {
    HeraldConfig c = ConfigLoader.load(null, Map.of("HERALD_NO_SUCH_THING", "1", "HERALD_PUBLISH_KEY", "k"));
    assertThat(c.http().port()).isEqualTo(8080);
  }

  @Test
  void unknownKeyIsRejectedWithItsPathAndFile() {
    assertThatThrownBy(() -> load("{\"http\":{\"prot\":1}}", Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.prot is not a known setting").hasMessageContaining("herald.json");
  }

  @Test
  void wrongTypeIsRejectedWithItsPath() {
    assertThatThrownBy(() -> load("{\"http\":{\"port\":\"eighty\"}}", Map.of()))
        .hasMessageContaining("http.port must be a whole number");
    assertThatThrownBy(() -> load("{\"http\":5}", Map.of())).hasMessageContaining("http must be an object");
    assertThatThrownBy(() -> load("{\"demo\":{\"enabled\":\"yes\"}}", Map.of()))
        .hasMessageContaining("demo.enabled must be true or false");
  }

  @Test
  void badValueIsRejectedWithItsPath() {
    assertThatThrownBy(() -> load("{\"limits\":{\"maxFrameBytes\":0}}", Map.of()))
        .hasMessageContaining("limits.maxFrameBytes must be between");
    assertThatThrownBy(() -> load("{\"history\":{\"ttlSeconds\":9223372036854775807}}", Map.of()))
        .hasMessageContaining("history.ttlSeconds must be between 0 and 315360000");
    assertThatThrownBy(() -> load("{\"engine\":\"mongo\"}", Map.of()))
        .hasMessageContaining("engine must be one of memory, redis");
    assertThatThrownBy(() -> load("{\"node\":{\"ioTransport\":\"uring\"}}", Map.of()))
        .hasMessageContaining("node.ioTransport must be one of auto, epoll, io_uring, nio");
    assertThatThrownBy(() -> load("{\"node\":{\"eventLoops\":-1}}", Map.of()))
        .hasMessageContaining("node.eventLoops must be between 0 and 1024");
    assertThatThrownBy(() -> load("{\"node\":{\"channelLingerMs\":-5}}", Map.of()))
        .hasMessageContaining("node.channelLingerMs must be between 0 and 3600000");
    assertThatThrownBy(() -> load("{\"redis\":{\"url\":\"http://x\"}}", Map.of()))
        .hasMessageContaining("redis.url must start with redis://");
  }

  @Test
  void badEnvironmentValueNamesTheVariable() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("HERALD_HTTP_PORT", "x")))
        .hasMessageContaining("HERALD_HTTP_PORT");
  }

  @Test
  void malformedFileIsRejected() {
    assertThatThrownBy(() -> load("{\"http\": ", Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("is not a JSON object");
    assertThatThrownBy(() -> load("[]", Map.of())).isInstanceOf(ConfigException.class);
  }
}
