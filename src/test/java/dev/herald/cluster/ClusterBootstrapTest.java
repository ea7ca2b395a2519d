package dev.herald.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.XmlConfigBuilder;
import io.vertx.core.VertxOptions;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterBootstrapTest {

  @Test
  void bundledConfigIsLoopbackTcpIpWithFastFailureDetection() throws Exception {
    Config c = ClusterBootstrap.hazelcastConfig(null);
    assertThat(c.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
    assertThat(c.getNetworkConfig().getJoin().getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(c.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled()).isTrue();
    assertThat(c.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("5");
    assertThat(c.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
    assertThat(c.getMultiMapConfig(ClusterBootstrap.SUBS_MAP).getValueCollectionType())
        .isEqualTo(MultiMapConfig.ValueCollectionType.SET);
  }

  @Test
  void hostAndMemberPortReplaceTheConfiguredOnes() throws Exception {
    Config c = ClusterBootstrap.hazelcastConfig(null);
    ClusterBootstrap.apply(c, "10.0.0.5", 15701, null, 0);
    assertThat(c.getNetworkConfig().getPort()).isEqualTo(15701);
    assertThat(c.getNetworkConfig().isPortAutoIncrement()).isFalse();
    assertThat(c.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("10.0.0.5");
    assertThat(c.getNetworkConfig().getPublicAddress()).isNull();
  }

  @Test
  void publicHostAndPortAreAdvertisedToOtherMembers() throws Exception {
    Config c = ClusterBootstrap.hazelcastConfig(null);
    ClusterBootstrap.apply(c, "172.17.0.2", 5701, "203.0.113.7", 25701);
    assertThat(c.getNetworkConfig().getPublicAddress()).isEqualTo("203.0.113.7:25701");
    Config d = ClusterBootstrap.hazelcastConfig(null);
    ClusterBootstrap.apply(d, "172.17.0.2", 5701, "203.0.113.7", 0);
    assertThat(d.getNetworkConfig().getPublicAddress()).isEqualTo("203.0.113.7:5701");
  }

  @Test
  void eventBusBindsAndAdvertisesItsOwnPort() {
    VertxOptions o = new VertxOptions();
    ClusterBootstrap.eventBus(o, "172.17.0.2", 15801, "203.0.113.7", 25801);
    assertThat(o.getEventBusOptions().getHost()).isEqualTo("172.17.0.2");
    assertThat(o.getEventBusOptions().getPort()).isEqualTo(15801);
    assertThat(o.getEventBusOptions().getClusterPublicHost()).isEqualTo("203.0.113.7");
    assertThat(o.getEventBusOptions().getClusterPublicPort()).isEqualTo(25801);
  }

  @Test
  void generatedMemberListRoundTripsThroughXml() {
    Config c = ClusterBootstrap.memberList("t1", "127.0.0.1", 15702, List.of(15701, 15702, 15703));
    Config back = new XmlConfigBuilder(new ByteArrayInputStream(ClusterBootstrap.toXml(c)
        .getBytes(StandardCharsets.UTF_8))).build();
    assertThat(back.getClusterName()).isEqualTo("t1");
    assertThat(back.getNetworkConfig().getPort()).isEqualTo(15702);
    assertThat(back.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
        .containsExactly("127.0.0.1:15701", "127.0.0.1:15702", "127.0.0.1:15703");
    assertThat(back.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("0");
    assertThat(back.getMultiMapConfig(ClusterBootstrap.SUBS_MAP).getValueCollectionType())
        .isEqualTo(MultiMapConfig.ValueCollectionType.SET);
  }
}
