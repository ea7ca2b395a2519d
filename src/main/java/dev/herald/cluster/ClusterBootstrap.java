package dev.herald.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.ConfigXmlGenerator;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.XmlConfigBuilder;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/**
 * Builds the Hazelcast cluster manager from an explicit XML file ({@code -cluster-config}, else
 * {@code conf/cluster.xml} when present, else the {@code cluster.xml} inside the jar), and sets the event-bus
 * addresses other nodes use to reach this one.
 */
public final class ClusterBootstrap {

  private static final Logger LOG = Logger.getLogger(ClusterBootstrap.class.getName());

  private ClusterBootstrap() {
  }

  /** Vert.x keeps its event-bus registrations here (address to node); must be a SET multimap. */
  public static final String SUBS_MAP = "__vertx.subs";
  /** Seconds without a heartbeat after which a member is declared dead. */
  public static final int MAX_NO_HEARTBEAT_SECONDS = 5;
  /** Seconds between member heartbeats. */
  public static final int HEARTBEAT_INTERVAL_SECONDS = 1;

  /**
   * The same settings as the bundled {@code cluster.xml}, built in code for a cluster of members on {@code host}:
   * TCP-IP join with an explicit member list (one entry per port: a single {@code <member>} probes only three
   * ports and a port range crashes Hazelcast 5.3.8), no multicast, no auto-detection, no join wait, dead members
   * detected after {@value #MAX_NO_HEARTBEAT_SECONDS} s, and the maps Vert.x needs. Used by tests and by tools
   * that generate a member list ({@link #toXml}).
   */
  public static Config memberList(String clusterName, String host, int memberPort, List<Integer> memberPorts) {
    Config config = new Config().setClusterName(clusterName);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(MAX_NO_HEARTBEAT_SECONDS));
    config.setProperty("hazelcast.heartbeat.interval.seconds", Integer.toString(HEARTBEAT_INTERVAL_SECONDS));
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.logging.type", "jdk");
    NetworkConfig network = config.getNetworkConfig().setPort(memberPort).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).addInterface(host);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(memberPorts.stream().map(p -> host + ":" + p).toList());
    config.addMultiMapConfig(new MultiMapConfig(SUBS_MAP).setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return config;
  }

  /** {@code config} as Hazelcast XML, for {@code -cluster-config}. */
  public static String toXml(Config config) {
    return new ConfigXmlGenerator(true, false).generate(config);
  }

  /**
   * Logs the cluster's membership now and on every change, so a dead or departed member shows in the log (after
   * at most {@code hazelcast.max.no.heartbeat.seconds} when it died without closing its connections). Call it once
   * the clustered Vert.x has started. Logged as {@code cluster <name>: <n> members ...}.
   */
  public static void logMembership(HazelcastClusterManager manager) {
    var hz = manager.getHazelcastInstance();
    String name = hz.getConfig().getClusterName();
    LOG.info("cluster " + name + ": " + hz.getCluster().getMembers().size() + " members, this one "
        + hz.getCluster().getLocalMember().getAddress());
    hz.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent e) {
        LOG.info("cluster " + name + ": " + e.getMembers().size() + " members, joined " + e.getMember().getAddress());
      }

      @Override
      public void memberRemoved(MembershipEvent e) {
        LOG.warning("cluster " + name + ": " + e.getMembers().size() + " members, left " + e.getMember().getAddress());
      }
    });
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

  /**
   * The cluster manager for {@code config}. {@code host} replaces the configured interfaces (adding it to them
   * would let Hazelcast pick another one); {@code memberPort} replaces the configured port, without
   * auto-increment, so the member list other nodes use stays true; {@code publicHost}/{@code publicPort} are what
   * other members are told to connect to. Null and 0 keep the configuration's setting.
   */
  public static HazelcastClusterManager manager(Config config, String host, int memberPort, String publicHost,
                                                int publicPort) {
    apply(config, host, memberPort, publicHost, publicPort);
    return new HazelcastClusterManager(config);
  }

  /** The command-line overrides of {@link #manager}, applied to {@code config}. */
  static void apply(Config config, String host, int memberPort, String publicHost, int publicPort) {
    NetworkConfig network = config.getNetworkConfig();
    if (memberPort > 0) {
      network.setPort(memberPort).setPortAutoIncrement(false);
    }
    if (host != null) {
      network.getInterfaces().clear();
      network.getInterfaces().setEnabled(true).addInterface(host);
      config.setProperty("hazelcast.local.localAddress", host);
    }
    if (publicHost != null || publicPort > 0) {
      String h = publicHost != null ? publicHost : host != null ? host : "127.0.0.1";
      int p = publicPort > 0 ? publicPort : memberPort > 0 ? memberPort : network.getPort();
      network.setPublicAddress(h + ":" + p);
    }
  }

  /**
   * Event-bus addresses: bind on {@code host:port} (0: a free port), advertise {@code publicHost:publicPort}
   * when other nodes must use another address (NAT, containers). Null and 0 keep Vert.x's defaults.
   */
  public static void eventBus(VertxOptions options, String host, int port, String publicHost, int publicPort) {
    if (host != null) {
      options.getEventBusOptions().setHost(host);
    }
    if (port > 0) {
      options.getEventBusOptions().setPort(port);
    }
    if (publicHost != null) {
      options.getEventBusOptions().setClusterPublicHost(publicHost);
    }
    if (publicPort > 0) {
      options.getEventBusOptions().setClusterPublicPort(publicPort);
    }
  }
}
