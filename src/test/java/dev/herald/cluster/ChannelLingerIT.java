package dev.herald.cluster;

import static dev.herald.testing.ClusterNodes.awaitTrue;
import static dev.herald.testing.ClusterNodes.channelRegistrations;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.fanout.ChannelRouter;
import dev.herald.fanout.Hub;
import dev.herald.message.Channel;
import dev.herald.testing.Await;
import dev.herald.testing.ClusterNodes;
import dev.herald.testing.ClusterNodes.Member;
import dev.herald.testing.FreePort;
import dev.herald.testing.Http;
import dev.herald.testing.TestHubs;
import dev.herald.testing.TestRedis;
import dev.herald.testing.WsTestClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code node.channelLingerMs} in a cluster: a node keeps a channel's registration that long after its last
 * subscriber left, so one who comes back finds it in effect; 0 drops it at once; a registration that failed is
 * tried again by the next subscriber rather than handed out while it lingers.
 */
class ChannelLingerIT {

  private static final String CLUSTER = "herald-linger-it-" + UUID.randomUUID().toString().substring(0, 8);

  private static final String PREFIX = TestRedis.newPrefix();

  private static ClusterNodes cluster;
  private static Member lingering;
  private static Member dropping;
  private static Vertx clients;
  private final List<WsTestClient> open = new ArrayList<>();

  @BeforeAll
  static void startCluster() {
    clients = Vertx.vertx();
    cluster = ClusterNodes.create(CLUSTER, PREFIX, 2);
    // Far longer than any step of these tests takes, however loaded the machine.
    lingering = cluster.startNode(new JsonObject().put("channelLingerMs", 600_000));
    dropping = cluster.startNode(new JsonObject().put("channelLingerMs", 0));
    awaitTrue(30, () -> "2 members", () -> cluster.clusterSize(lingering) == 2);
  }

  @AfterAll
  static void stopCluster() {
    try {
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      Redis redis = Redis.createClient(clients, TestRedis.options(TestRedis.url(), ProtocolVersion.RESP3));
      Await.of(TestRedis.deleteKeys(redis, PREFIX), 30);
      redis.close();
      Await.of(clients.close(), 30);
    }
  }

  @AfterEach
  void closeClients() {
    open.forEach(WsTestClient::close);
    open.clear();
  }

  private WsTestClient subscribed(Member node, String channel) {
    WsTestClient c = WsTestClient.connect(clients, node.port(), "/ws?channels=" + channel);
    open.add(c);
    c.nextOp("subscribed");
    return c;
  }

  private static void leftBy(Member node, Channel channel, WsTestClient client) {
    client.close();
    awaitTrue(30, () -> "the node saw the client leave",
        () -> Await.of(node.node().localSubscribers(channel), 10) == 0);
  }

  @Test
  void aSubscriberBackWithinTheLingerFindsTheRegistrationInEffect() {
    Channel channel = Channel.parse("linger:back");
    ChannelRouter router = lingering.node().router();
    WsTestClient first = subscribed(lingering, channel.toString());
    long routes = router.routesCreated();
    leftBy(lingering, channel, first);
    assertThat(router.receives(channel)).as("lingering").isTrue();
    assertThat(channelRegistrations(dropping, channel)).as("seen by the other member").isEqualTo(1);

    WsTestClient back = subscribed(lingering, channel.toString());
    assertThat(router.routesCreated()).as("routes made for the return").isEqualTo(routes);
    try (Http http = new Http(clients, dropping.port())) {
      assertThat(http.post("/api/publish", new JsonObject().put("channel", channel.toString())
          .put("data", "after the return").encode()).status()).isEqualTo(202);
    }
    assertThat(back.nextOp("message").getString("data")).isEqualTo("after the return");
  }

  @Test
  void withNoLingerTheLastSubscriberTakesTheRegistrationAlong() {
    Channel channel = Channel.parse("linger:none");
    WsTestClient only = subscribed(dropping, channel.toString());
    leftBy(dropping, channel, only);
    assertThat(dropping.node().router().receives(channel)).isFalse();
    awaitTrue(30, () -> "the registration gone from the other member's view",
        () -> channelRegistrations(lingering, channel) == 0);
  }

  @Test
  void aFailedRegistrationIsTriedAgainNotHandedOutWhileItLingers() {
    // A clustered Vert.x of its own whose Hazelcast member is shut down: registering a consumer then fails.
    int port = FreePort.pick();
    HazelcastClusterManager manager = new HazelcastClusterManager(
        ClusterBootstrap.memberList(CLUSTER + "-alone", "127.0.0.1", port, List.of(port)));
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1");
    Vertx alone = Await.of(Vertx.builder().with(options).withClusterManager(manager).buildClustered(), 60);
    try {
      ChannelRouter router = ChannelRouter.forNode(alone, 600_000);
      Context context = alone.getOrCreateContext();
      Hub hub = TestHubs.on(alone, context, router);
      Channel channel = Channel.parse("linger:failed");
      manager.getHazelcastInstance().shutdown();

      Future<Void> ready = router.join(channel, hub);
      awaitTrue(30, () -> "the registration failed", ready::failed);
      router.leave(channel, hub);
      assertThat(router.receives(channel)).as("dropped, not lingering").isFalse();

      Future<Void> again = router.join(channel, hub);
      assertThat(again).isNotSameAs(ready);
      assertThat(router.routesCreated()).isEqualTo(2);
      // Another join while the failed route still has its hub: a new try too.
      awaitTrue(30, () -> "the second registration failed", again::failed);
      assertThat(router.join(channel, hub)).isNotSameAs(again);
      assertThat(router.routesCreated()).isEqualTo(3);
    } finally {
      try {
        Await.of(alone.close(), 30);
      } catch (RuntimeException | AssertionError e) {
        // Its Hazelcast member is gone already; leaving the cluster may fail, which this test does not check.
      }
    }
  }
}
