package dev.herald.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.XmlConfigBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds the Hazelcast cluster manager from an explicit XML file ({@code -cluster-config}, else
 * {@code conf/cluster.xml} when present, else the {@code cluster.xml} inside the jar), and sets the event-bus
 * addresses other nodes use to reach this one.
 */
public final class ClusterBootstrap {

  private ClusterBootstrap() {
  }

  /** Reads the Hazelcast configuration; {@code file} may be null. */
  public static Config hazelcastConfig(Path file) throws IOException {
    Path chosen = file != null ? file : Path.of("conf", "cluster.xml");
    if (Files.isRegularFile(chosen)) {
      try (InputStream in = Files.newInputStream(chosen)) {
        return new XmlConfigBuilder(in).build();
      }
    }
    if (file != null) {
      throw new IOException("cluster config " + file + " not found");
    }
    try (InputStream in = ClusterBootstrap.class.getResourceAsStream("/cluster.xml")) {
      if (in == null) {
        throw new IOException("no cluster.xml inside the jar");
      }
      return new XmlConfigBuilder(in).build();
    }
  }

  /** The cluster manager for {@code config}, with the Hazelcast member port when one is given. */
  public static HazelcastClusterManager manager(Config config, String host, int memberPort) {
    if (memberPort > 0) {
      config.getNetworkConfig().setPort(memberPort).setPortAutoIncrement(false);
    }
    if (host != null) {
      config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(host);
      config.setProperty("hazelcast.local.localAddress", host);
    }
    return new HazelcastClusterManager(config);
  }

  /** Event-bus addresses: bind on {@code host}, advertise {@code publicHost:publicPort} when behind NAT. */
  public static void eventBus(VertxOptions options, String host, String publicHost, int publicPort) {
    if (host != null) {
      options.getEventBusOptions().setHost(host);
    }
    if (publicHost != null) {
      options.getEventBusOptions().setClusterPublicHost(publicHost);
    }
    if (publicPort > 0) {
      options.getEventBusOptions().setClusterPublicPort(publicPort);
    }
  }
}
