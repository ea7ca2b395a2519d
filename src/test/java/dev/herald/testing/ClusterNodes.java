package dev.herald.testing;

import com.hazelcast.multimap.MultiMap;
import dev.herald.HeraldNode;
import dev.herald.cluster.Addresses;
import dev.herald.cluster.ClusterBootstrap;
import dev.herald.message.Channel;
import dev.herald.security.KeyHashes;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Clustered Herald nodes in this JVM for tests: each has its own Vert.x, its own Hazelcast member (TCP-IP join on
 * 127.0.0.1 with an explicit member list of free ports, a cluster name of the test's own, no join wait, short
 * heartbeat timeouts) and a {@link HeraldNode} on the Redis engine. All nodes share one Redis key prefix, so they
 * share the ingest stream, the consumer group and the history. Member ports are reserved up front for
 * {@code capacity} nodes so that a node started later finds the others.
 */
public final class ClusterNodes implements AutoCloseable {

  /** The admin key every member accepts. */
  public static final String ADMIN_KEY = "cluster-test-admin-key";

  private static final String HOST = "127.0.0.1";
  /** Hazelcast logs every connection attempt at INFO; tests keep warnings only. Held so it is not collected. */
  private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

  static {
    HAZELCAST_LOG.setLevel(Level.WARNING);
  }

  private final String clusterName;
  private final String keyPrefix;
  private final List<Integer> memberPorts;
  private final List<Member> members = new ArrayList<>();

  /** One running node. */
  public record Member(String id, Vertx vertx, HazelcastClusterManager manager, HeraldNode node) {
    public int port() {
      return node.port();
    }
  }

  private ClusterNodes(String clusterName, String keyPrefix, List<Integer> memberPorts) {
    this.clusterName = clusterName;
    this.keyPrefix = keyPrefix;
    this.memberPorts = memberPorts;
  }

  /** Reserves ports for {@code capacity} nodes; nothing runs yet. */
  public static ClusterNodes create(String clusterName, String keyPrefix, int capacity) {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < capacity; i++) {
      ports.add(FreePort.pick());
    }
    return new ClusterNodes(clusterName, keyPrefix, ports);
  }

  public String clusterName() {
    return clusterName;
  }

  public String keyPrefix() {
    return keyPrefix;
  }

  public List<Integer> memberPorts() {
    return memberPorts;
  }

  /** The node configuration every member shares, with this member's id. */
  public JsonObject nodeConfig(String nodeId) {
    return new JsonObject().put("engine", "redis")
        .put("node", new JsonObject().put("id", nodeId).put("warmupConnections", 0))
        .put("http", new JsonObject().put("host", HOST).put("port", 0).put("instances", 1))
        .put("redis", new JsonObject().put("url", TestRedis.url()).put("keyPrefix", keyPrefix).put("poolSize", 4))
        .put("ingest", new JsonObject().put("blockMs", 500).put("claimIdleMs", 1000))
        .put("log", new JsonObject().put("level", "WARN"))
        .put("security", TestNodes.memory().getJsonObject("security")
            .put("adminKeys", new io.vertx.core.json.JsonArray().add(KeyHashes.sha256Hex(ADMIN_KEY))));
  }

  /** Starts the next node (on the next reserved member port) and returns once it serves HTTP. */
  public Member startNode() {
    return startNode(new JsonObject());
  }

  /** {@link #startNode()} with {@code node} settings over the shared ones (e.g. {@code channelLingerMs}). */
  public Member startNode(JsonObject node) {
    int index = members.size();
    if (index >= memberPorts.size()) {
      throw new IllegalStateException("only " + memberPorts.size() + " member ports were reserved");
    }
    String id = clusterName + "-n" + index;
    var hz = ClusterBootstrap.memberList(clusterName, HOST, memberPorts.get(index), memberPorts);
    HazelcastClusterManager manager = new HazelcastClusterManager(hz);
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost(HOST);
    Vertx vertx = Await.of(Vertx.builder().with(options).withClusterManager(manager).buildClustered(), 60);
    try {
      JsonObject config = nodeConfig(id);
      config.getJsonObject("node").mergeIn(node);
      HeraldNode started = TestNodes.start(vertx, config);
      Member m = new Member(id, vertx, manager, started);
      members.add(m);
      return m;
    } catch (RuntimeException | AssertionError e) {
      Await.of(vertx.close(), 30);
      throw e;
    }
  }

  public Member get(int i) {
    return members.get(i);
  }

  public List<Member> members() {
    return List.copyOf(members);
  }

  /** Stops a node gracefully and leaves the cluster. */
  public void stop(Member m) {
    if (members.remove(m)) {
      try {
        Await.of(m.node().stop(0), 30);
      } finally {
        Await.of(m.vertx().close(), 30);
      }
    }
  }

  /** Cluster members as the given node's Hazelcast sees them. */
  public int clusterSize(Member m) {
    return m.manager().getHazelcastInstance().getCluster().getMembers().size();
  }

  /**
   * Event-bus registrations of channel addresses ({@code herald.ch.*}) in the cluster-wide subscription map
   * ({@code __vertx.subs}), read through {@code via}: one entry per (address, node, consumer).
   */
  public static int channelRegistrations(Member via) {
    MultiMap<Object, Object> subs = via.manager().getHazelcastInstance().getMultiMap(ClusterBootstrap.SUBS_MAP);
    int n = 0;
    for (Object key : subs.keySet()) {
      if (key.toString().startsWith("herald.ch.")) {
        n += subs.valueCount(key);
      }
    }
    return n;
  }

  /** As {@link #channelRegistrations(Member)}, of one channel: one entry per node that receives it. */
  public static int channelRegistrations(Member via, Channel channel) {
    return via.manager().getHazelcastInstance().getMultiMap(ClusterBootstrap.SUBS_MAP)
        .valueCount(Addresses.channel(channel));
  }

  /** Polls {@code condition} until it holds, failing with {@code what} after {@code seconds}. */
  public static void awaitTrue(int seconds, Supplier<String> what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + seconds + " s: " + what.get());
      }
      // Polling interval, not a wait for an outcome: the loop above bounds it with a deadline.
      LockSupport.parkNanos(20_000_000L);
    }
  }

  /** Stops every node, last started first. */
  @Override
  public void close() {
    List<Member> reversed = new ArrayList<>(members);
    java.util.Collections.reverse(reversed);
    for (Member m : reversed) {
      try {
        stop(m);
      } catch (RuntimeException | AssertionError e) {
        // keep stopping the others
      }
    }
  }
}
