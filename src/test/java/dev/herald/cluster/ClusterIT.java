package dev.herald.cluster;

import static dev.herald.testing.ClusterNodes.awaitTrue;
import static dev.herald.testing.ClusterNodes.channelRegistrations;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.HeraldConfig;
import dev.herald.engine.redis.RedisHistory;
import dev.herald.fanout.Publisher;
import dev.herald.message.Channel;
import dev.herald.message.RenderedMessage;
import dev.herald.testing.Await;
import dev.herald.testing.ClusterNodes;
import dev.herald.testing.ClusterNodes.Member;
import dev.herald.testing.Http;
import dev.herald.testing.TestNodes;
import dev.herald.testing.TestRedis;
import dev.herald.testing.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three clustered nodes in this JVM sharing one Redis (history, ingest stream and consumer group): any node
 * ingests and publishes, every node's subscribers receive each message once and in the channel's order, a
 * channel costs one cluster registration per node with subscribers, and history lets a client resume anywhere.
 */
class ClusterIT {

  private static final String CLUSTER = "herald-cluster-it-" + UUID.randomUUID().toString().substring(0, 8);

  private static ClusterNodes cluster;
  private static Vertx clients;
  private static Redis redis;
  private final List<WsTestClient> open = new ArrayList<>();

  @BeforeAll
  static void startCluster() {
    clients = Vertx.vertx();
    redis = Redis.createClient(clients, TestRedis.options(TestRedis.url(), ProtocolVersion.RESP3));
    cluster = ClusterNodes.create(CLUSTER, TestRedis.newPrefix(), 4);
    for (int i = 0; i < 3; i++) {
      cluster.startNode();
    }
    awaitTrue(30, () -> "3 members", () -> cluster.clusterSize(cluster.get(0)) == 3);
  }

  @AfterAll
  static void stopCluster() {
    try {
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      if (redis != null) {
        Await.of(TestRedis.deleteKeys(redis, cluster.keyPrefix()), 30);
        redis.close();
      }
      Await.of(clients.close(), 30);
    }
  }

  @AfterEach
  void closeClients() {
    open.forEach(WsTestClient::close);
    open.clear();
  }

  private WsTestClient connect(Member node, String path) {
    WsTestClient c = WsTestClient.connect(clients, node.port(), path);
    open.add(c);
    return c;
  }

  private static void publish(Member via, String channel, Object data) {
    try (Http http = new Http(clients, via.port())) {
      Http.Reply r = http.post("/api/publish", new JsonObject().put("channel", channel).put("data", data).encode());
      assertThat(r.status()).as(r.body()).isEqualTo(202);
    }
  }

  private static void xadd(String channel, Object data) {
    Await.of(redis.send(Request.cmd(Command.XADD).arg(cluster.keyPrefix() + "ingest").arg("*").arg("publish")
        .arg(new JsonObject().put("channel", channel).put("data", data).encode())), 10);
  }

  private static long offset(JsonObject message) {
    String id = message.getString("id");
    return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
  }

  @Test
  void adminCountsAChannelsSubscribersOnEveryNode() {
    for (int i = 0; i < 3; i++) {
      connect(cluster.get(0), "/ws?channels=thread:census").nextOp("subscribed");
    }
    for (int i = 0; i < 2; i++) {
      connect(cluster.get(1), "/ws?channels=thread:census").nextOp("subscribed");
    }
    try (Http http = new Http(clients, cluster.get(2).port())) {
      JsonObject info = http.request(io.vertx.core.http.HttpMethod.GET, "/admin/channels/thread:census", null,
          ClusterNodes.ADMIN_KEY).json();
      assertThat(info.getInteger("subscribers")).isEqualTo(5);
      assertThat(info.getInteger("nodes")).isEqualTo(cluster.clusterSize(cluster.get(2)));
      assertThat(info.getInteger("unansweredNodes")).isZero();
    }
  }

  @Test
  void streamPublishedOnOneNodeReachesEveryNodeOnceInChannelOrder() {
    List<String> channels = List.of("stream:a", "stream:b", "stream:c", "stream:d");
    String query = "/ws?channels=" + String.join(",", channels);
    List<WsTestClient> subscribers = new ArrayList<>();
    for (Member m : cluster.members()) {
      WsTestClient c = connect(m, query);
      for (int i = 0; i < channels.size(); i++) {
        c.nextOp("subscribed");
      }
      subscribers.add(c);
    }
    int total = 200;
    try (Http http = new Http(clients, cluster.get(0).port())) {
      for (int i = 0; i < total; i++) {
        String body = new JsonObject().put("channel", channels.get(i % channels.size())).put("data", i).encode();
        assertThat(http.post("/api/publish", body).status()).isEqualTo(202);
      }
    }

    List<Map<String, List<Integer>>> seenByNode = new ArrayList<>();
    for (WsTestClient c : subscribers) {
      Map<String, List<Integer>> byChannel = new LinkedHashMap<>();
      Map<String, Long> lastOffset = new HashMap<>();
      for (JsonObject m : c.messages(total)) {
        String ch = m.getString("channel");
        long off = offset(m);
        assertThat(off).as("offset after %s on %s", lastOffset.get(ch), ch)
            .isEqualTo(lastOffset.getOrDefault(ch, 0L) + 1);
        lastOffset.put(ch, off);
        byChannel.computeIfAbsent(ch, k -> new ArrayList<>()).add(m.getInteger("data"));
      }
      for (int k = 0; k < channels.size(); k++) {
        int ch = k;
        assertThat(byChannel.get(channels.get(k))).as(channels.get(k))
            .containsExactlyInAnyOrderElementsOf(IntStream.range(0, total).filter(i -> i % channels.size() == ch)
                .boxed().toList());
      }
      seenByNode.add(byChannel);
    }
    // Every node delivers the same sequence: the one committed to history.
    assertThat(seenByNode).allSatisfy(s -> assertThat(s).isEqualTo(seenByNode.get(0)));
    // Nothing more arrives: each message was delivered once per subscriber.
    publish(cluster.get(1), "stream:a", "end");
    for (WsTestClient c : subscribers) {
      assertThat(c.nextOp("message").getString("data")).isEqualTo("end");
    }
  }

  @Test
  void eachMessageIsCommittedOnceClusterWide() {
    String channel = "commit:once";
    int total = 120;
    for (int i = 0; i < total; i++) {
      xadd(channel, i);
    }
    WsTestClient c = connect(cluster.get(2), "/ws");
    c.nextOp("hello");
    awaitTrue(30, () -> "history of " + channel + " holds " + total, () -> historyBodies(channel).size() >= total);
    awaitTrue(15, () -> "ingest stream fully acknowledged", () -> pending() == 0);
    // Offsets are consecutive from the header's base (0: nothing was cut), so N bodies are offsets 1..N, each
    // committed once.
    assertThat(historyBodies(channel)).hasSize(total);
    assertThat(header(channel)[1]).isEqualTo("0");
    // Each history entry holds the body encoded once (a JSON fragment): every datum exactly once.
    List<Object> data = new ArrayList<>();
    for (String body : historyBodies(channel)) {
      data.add(new JsonObject("{" + body + "}").getValue("data"));
    }
    assertThat(data).containsExactlyInAnyOrderElementsOf(IntStream.range(0, total).boxed().toList());
    // A client replaying the whole history from any node gets offsets 1..N once each.
    String epoch = header(channel)[0];
    c.send(new JsonObject().put("op", "subscribe").put("channels", List.of(channel))
        .put("since", new JsonObject().put(channel, epoch + "-0")));
    assertThat(c.nextOp("subscribed").getBoolean("recovered")).isTrue();
    assertThat(c.messages(total)).extracting(ClusterIT::offset)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
  }

  private static String historyKey(String channel) {
    return cluster.keyPrefix() + "{" + channel + "}:history";
  }

  /** The history's header, its list's first element: epoch, base offset, expiry, tombstones. */
  private static String[] header(String channel) {
    return Await.of(redis.send(Request.cmd(Command.LINDEX).arg(historyKey(channel)).arg(0)), 10).toString().split(" ");
  }

  private static List<String> historyBodies(String channel) {
    Response entries = Await.of(redis.send(Request.cmd(Command.LRANGE).arg(historyKey(channel)).arg(1).arg(-1)), 10);
    List<String> bodies = new ArrayList<>();
    for (Response e : entries) {
      bodies.add(e.toString());
    }
    return bodies;
  }

  private static long pending() {
    Response r = Await.of(redis.send(Request.cmd(Command.XPENDING).arg(cluster.keyPrefix() + "ingest")
        .arg("herald")), 10);
    return r.get(0).toLong();
  }

  @Test
  void clientResumingOnAnotherNodeGetsNoGapAndNoDuplicate() {
    String channel = "resume:1";
    WsTestClient first = connect(cluster.get(0), "/ws?channels=" + channel);
    first.nextOp("subscribed");
    for (int i = 1; i <= 5; i++) {
      publish(cluster.get(0), channel, i);
    }
    // Every node ingests from the shared group, so entries added back to back may commit in either order: the
    // channel's order is its offsets, the same for every subscriber.
    List<JsonObject> seen = first.messages(5);
    assertThat(seen).extracting(m -> m.getInteger("data")).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
    assertThat(seen).extracting(ClusterIT::offset).containsExactly(1L, 2L, 3L, 4L, 5L);
    String position = seen.get(4).getString("id");
    first.close();
    open.remove(first);
    for (int i = 6; i <= 8; i++) {
      publish(cluster.get(2), channel, i);
    }

    WsTestClient again = connect(cluster.get(1), "/ws");
    again.nextOp("hello");
    again.send(new JsonObject().put("op", "subscribe").put("channels", List.of(channel))
        .put("since", new JsonObject().put(channel, position)));
    assertThat(again.nextOp("subscribed").getBoolean("recovered")).isTrue();
    List<JsonObject> replay = again.messages(3);
    publish(cluster.get(0), channel, 9);
    JsonObject live = again.nextOp("message");
    assertThat(replay).extracting(m -> m.getInteger("data")).containsExactlyInAnyOrder(6, 7, 8);
    assertThat(replay).extracting(ClusterIT::offset).containsExactly(6L, 7L, 8L);
    assertThat(live.getInteger("data")).isEqualTo(9);
    assertThat(offset(live)).isEqualTo(9);
    assertThat(again.drain()).noneMatch(f -> "message".equals(f.getString("op")));
  }

  @Test
  void nodeJoiningLaterReceivesAsSoonAsSubscribed() {
    Member late = cluster.startNode();
    try {
      awaitTrue(30, () -> "4 members", () -> cluster.clusterSize(cluster.get(0)) == 4);
      for (int round = 0; round < 3; round++) {
        String channel = "late:" + round;
        WsTestClient c = connect(late, "/ws?channels=" + channel);
        c.nextOp("subscribed");
        if (round % 2 == 0) {
          publish(cluster.get(round % 3), channel, "first");
        } else {
          xadd(channel, "first");
        }
        JsonObject m = c.nextOp("message");
        assertThat(m.getString("data")).isEqualTo("first");
        assertThat(offset(m)).isEqualTo(1);
      }
    } finally {
      closeClients();
      cluster.stop(late);
    }
  }

  @Test
  void newSubscriberOfABusyChannelOnAnotherNodeGetsTheNextMessage() {
    // Publishers cache a channel's registrations once they have published to it; the new node must still be in
    // the next publish (or the subscriber must notice the message from history).
    for (int round = 0; round < 5; round++) {
      String channel = "warm:" + round;
      WsTestClient existing = connect(cluster.get(0), "/ws?channels=" + channel);
      existing.nextOp("subscribed");
      for (int i = 1; i <= 3; i++) {
        xadd(channel, "warm" + i);
      }
      existing.messages(3);
      WsTestClient newcomer = connect(cluster.get(1 + round % 2), "/ws?channels=" + channel);
      newcomer.nextOp("subscribed");
      xadd(channel, "next");
      JsonObject m = newcomer.nextOp("message");
      assertThat(m.getString("data")).isEqualTo("next");
      assertThat(offset(m)).isEqualTo(4);
    }
  }

  @Test
  void firstSubscriberOnANodeMissesNothingPublishedRightAfterSubscribed() {
    // A node that has published to a channel caches the channel's registrations and learns of a new node's
    // registration some 10-30 ms after that node's consumer completed. A message committed and published by it
    // right after the new node's client got `subscribed` must still reach that client.
    Member a = cluster.get(0);
    HeraldConfig config = TestNodes.config(cluster.nodeConfig("publisher"));
    Redis pool = Redis.createClient(a.vertx(), TestRedis.options(TestRedis.url(), ProtocolVersion.RESP3));
    Publisher publisher = new Publisher(a.vertx().eventBus(),
        new RedisHistory(pool, config.redis(), config.history(), config.publish()));
    try {
      for (int round = 0; round < 10; round++) {
        String name = "fresh:" + round;
        Channel channel = Channel.parse(name);
        WsTestClient existing = connect(a, "/ws?channels=" + name);
        existing.nextOp("subscribed");
        Await.of(publisher.publish(message(channel, "warm")), 10);
        existing.nextOp("message");
        WsTestClient newcomer = connect(cluster.get(1 + round % 2), "/ws?channels=" + name);
        newcomer.nextOp("subscribed");
        Await.of(publisher.publish(message(channel, "next")), 10);
        JsonObject m = newcomer.nextOp("message");
        assertThat(m.getString("data")).as(name).isEqualTo("next");
        assertThat(offset(m)).isEqualTo(2);
      }
    } finally {
      pool.close();
    }
  }

  private static RenderedMessage message(Channel channel, String data) {
    return new RenderedMessage(List.of(channel), "t",
        Buffer.buffer("\"type\":\"t\",\"data\":\"" + data + "\""), null, System.currentTimeMillis());
  }

  @Test
  void channelCostsOneRegistrationPerNodeWhateverTheNumberOfClients() {
    List<String> channels = List.of("crowd:1", "crowd:2", "crowd:3");
    String query = "/ws?channels=" + String.join(",", channels);
    List<Member> nodes = List.of(cluster.get(0), cluster.get(1));
    int perNode = 1000;
    int expected = channels.size() * nodes.size();
    WebSocketClient ws = clients.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(10_000));
    AtomicInteger subscribed = new AtomicInteger();
    List<WebSocket> sockets = new ArrayList<>();
    AtomicInteger maxSeen = new AtomicInteger();
    try {
      // Earlier tests' clients are closed, but their unregistrations propagate asynchronously.
      awaitTrue(15, () -> channelRegistrations(cluster.get(2)) + " registrations left by earlier tests",
          () -> channelRegistrations(cluster.get(2)) == 0
              && cluster.members().stream().allMatch(n -> n.node().router().registrations() == 0));
      openCrowd(ws, nodes, perNode, query, subscribed, sockets, maxSeen);
      awaitTrue(60, () -> subscribed.get() + " subscribed", () -> subscribed.get() == 2 * perNode * channels.size());
      assertRegistrations(nodes, channels.size(), expected);

      // Churn: half of each node's clients leave while as many new ones arrive.
      List<WebSocket> leaving = new ArrayList<>(sockets.subList(0, sockets.size() / 2));
      sockets.removeAll(leaving);
      List<Future<Void>> closing = new ArrayList<>();
      leaving.forEach(s -> closing.add(s.close()));
      openCrowd(ws, nodes, perNode / 2, query, subscribed, sockets, maxSeen);
      Await.of(Future.all(closing), 60);
      awaitTrue(60, () -> subscribed.get() + " subscribed", () -> subscribed.get() == 3 * perNode * channels.size());
      assertRegistrations(nodes, channels.size(), expected);
      assertThat(maxSeen.get()).as("most registrations seen while clients came and went").isLessThanOrEqualTo(expected);

      List<Future<Void>> all = new ArrayList<>();
      sockets.forEach(s -> all.add(s.close()));
      sockets.clear();
      Await.of(Future.all(all), 60);
      awaitTrue(30, () -> "routers empty", () -> nodes.stream().allMatch(n -> n.node().router().registrations() == 0));
      awaitTrue(30, () -> channelRegistrations(cluster.get(2)) + " registrations left",
          () -> channelRegistrations(cluster.get(2)) == 0);
    } finally {
      sockets.forEach(WebSocket::close);
      Await.of(ws.close(), 30);
    }
  }

  private static void assertRegistrations(List<Member> nodes, int perNode, int expected) {
    for (Member n : nodes) {
      assertThat(n.node().router().registrations()).as(n.id()).isEqualTo(perNode);
    }
    assertThat(cluster.get(2).node().router().registrations()).isZero();
    // Registrations propagate asynchronously; every member's view must settle on the same count.
    for (Member via : cluster.members()) {
      awaitTrue(15, () -> channelRegistrations(via) + " registrations seen by " + via.id(),
          () -> channelRegistrations(via) == expected);
    }
  }

  /** Opens {@code perNode} subscribed clients on each node, in batches, sampling the cluster's registrations. */
  private static void openCrowd(WebSocketClient ws, List<Member> nodes, int perNode, String query,
                                AtomicInteger subscribed, List<WebSocket> sockets, AtomicInteger maxSeen) {
    int batch = 100;
    for (int done = 0; done < perNode; done += batch) {
      List<Future<WebSocket>> connects = new ArrayList<>();
      for (Member n : nodes) {
        for (int i = 0; i < Math.min(batch, perNode - done); i++) {
          connects.add(ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(n.port())
              .setURI(query)).onSuccess(s -> s.textMessageHandler(t -> {
                if ("subscribed".equals(new JsonObject(t).getString("op"))) {
                  subscribed.incrementAndGet();
                }
              })));
        }
      }
      sockets.addAll(Await.of(Future.all(connects), 60).list());
      maxSeen.accumulateAndGet(channelRegistrations(cluster.get(2)), Math::max);
    }
  }
}
