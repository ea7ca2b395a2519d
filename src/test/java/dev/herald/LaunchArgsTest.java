package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LaunchArgsTest {

  @Test
  void memberAndBusPortsAreSeparateFlags() {
    LaunchArgs a = LaunchArgs.parse(new String[] {"-cluster", "--cluster-host", "10.0.0.5", "-cluster-port", "15701",
        "-cluster-bus-port", "15801", "-cluster-public-host", "h.example", "-cluster-public-port", "25701",
        "-cluster-public-bus-port", "25801", "-cluster-config", "c.xml"});
    assertThat(a).isEqualTo(new LaunchArgs(null, true, "10.0.0.5", 15701, 15801, "h.example", 25701, 25801,
        Path.of("c.xml")));
  }

  @Test
  void withoutFlagsTheNodeRunsAlone() {
    LaunchArgs a = LaunchArgs.parse(new String[0]);
    assertThat(a.cluster()).isFalse();
    assertThat(a.clusterPort()).isZero();
    assertThat(a.clusterBusPort()).isZero();
  }

  @Test
  void badPortsAndUnknownFlagsAreRejected() {
    assertThatThrownBy(() -> LaunchArgs.parse(new String[] {"-cluster-bus-port", "70000"}))
        .hasMessageContaining("-cluster-bus-port must be a port number");
    assertThatThrownBy(() -> LaunchArgs.parse(new String[] {"-cluster-port"})).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> LaunchArgs.parse(new String[] {"-cluster-nodes", "3"}))
        .hasMessageContaining("unknown argument");
  }
}
