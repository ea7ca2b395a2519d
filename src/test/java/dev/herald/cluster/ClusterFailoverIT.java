package dev.herald.cluster;

import static dev.herald.testing.ClusterNodes.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.Await;
import dev.herald.testing.FreePort;
import dev.herald.testing.NodeProcess;
import dev.herald.testing.TestRedis;
import dev.herald.testing.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Nodes as separate processes (the fat jar with {@code -cluster}). A third node leaves with SIGTERM in the middle
 * of a stream of XADDed messages: it acknowledges what it holds and tells its clients where to resume. Then one of
 * the two others is SIGKILLed in the middle of another stream. The survivor takes over the dead node's pending entries, and every message reaches a
 * subscriber of the survivor, and a subscriber that moves from the dead node to the survivor, exactly once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFailoverIT {

  private static final String CLUSTER = "herald-failover-it-" + UUID.randomUUID().toString().substring(0, 8);
  private static final int TOTAL = 400;

  private static Vertx clients;
  private static Redis redis;
  private static String prefix;
  private static Path dir;
  private static final List<NodeProcess> nodes = new ArrayList<>();
  private static List<Integer> memberPorts;
  private static Map<String, String> env;

  @BeforeAll
  static void startNodes() throws Exception {
    clients = Vertx.vertx();
    redis = Redis.createClient(clients, TestRedis.options(TestRedis.url(), ProtocolVersion.RESP3));
    prefix = TestRedis.newPrefix();
    dir = Files.createTempDirectory("herald-failover");
    memberPorts = List.of(FreePort.pick(), FreePort.pick(), FreePort.pick());
    env = Map.of("HERALD_REDIS_URL", TestRedis.url(), "HERALD_REDIS_KEY_PREFIX", prefix,
        "HERALD_INGEST_CLAIM_IDLE_MS", "1000", "HERALD_INGEST_BLOCK_MS", "500", "HERALD_INGEST_BATCH_SIZE", "20");
    for (int i = 0; i < 2; i++) {
      nodes.add(NodeProcess.start(CLUSTER + "-p" + i, CLUSTER, i, memberPorts, dir, env));
    }
    for (NodeProcess n : nodes) {
      awaitTrue(120, () -> n.id() + " did not form the cluster and serve:\n" + n.log(),
          () -> n.log().contains(": 2 members") && n.log().contains("serving on"));
    }
  }

  @AfterAll
  static void stopNodes() throws Exception {
    for (NodeProcess n : nodes) {
      n.close();
    }
    if (redis != null) {
      Await.of(TestRedis.deleteKeys(redis, prefix), 30);
      redis.close();
    }
    Await.of(clients.close(), 30);
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static long offset(JsonObject message) {
    String id = message.getString("id");
    return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
  }

  @Test
  @Order(1)
  void nodeStoppedWithSigtermAcksWhatItHoldsAndSendsItsClientsTheirPositions() throws Exception {
    NodeProcess leaving = NodeProcess.start(CLUSTER + "-p2", CLUSTER, 2, memberPorts, dir, env);
    nodes.add(leaving);
    awaitTrue(120, () -> "third node did not join and serve:\n" + leaving.log(),
        () -> leaving.log().contains(": 3 members") && leaving.log().contains("serving on"));
    NodeProcess staying = nodes.get(1);
    String channel = "graceful:1";
    String stream = prefix + "ingest";
    WsTestClient onStaying = WsTestClient.connect(clients, staying.httpPort(), "/ws?channels=" + channel);
    WsTestClient onLeaving = WsTestClient.connect(clients, leaving.httpPort(), "/ws?channels=" + channel);
    WsTestClient moved = null;
    try {
      onStaying.nextOp("subscribed");
      onLeaving.nextOp("subscribed");
      AtomicInteger sent = new AtomicInteger();
      long timer = stream(stream, channel, sent);
      try {
        awaitTrue(60, () -> "stream under way: " + sent.get(), () -> sent.get() >= TOTAL / 3);
        assertThat(leaving.terminate(30)).as("exited within 30 s after SIGTERM").isTrue();
        // Everything the leaving node read was acknowledged by itself, nothing was left for a take-over.
        Response held = Await.of(redis.send(Request.cmd(Command.XPENDING).arg(stream).arg("herald").arg("-")
            .arg("+").arg(1000).arg(leaving.id())), 10);
        assertThat(held.size()).as("entries left pending by the node that left").isZero();
        awaitTrue(60, () -> "stream sent: " + sent.get(), () -> sent.get() >= TOTAL);
      } finally {
        clients.cancelTimer(timer);
      }
      assertThat(onStaying.messages(TOTAL)).extracting(ClusterFailoverIT::offset)
          .containsExactlyElementsOf(IntStream.rangeClosed(1, TOTAL).mapToObj(i -> (long) i).toList());

      List<JsonObject> before = new ArrayList<>();
      JsonObject disconnect = null;
      while (disconnect == null) {
        JsonObject f = onLeaving.next();
        if ("message".equals(f.getString("op"))) {
          before.add(f);
        } else if ("disconnect".equals(f.getString("op"))) {
          disconnect = f;
        }
      }
      assertThat(disconnect.getLong("retryAfterMs")).isBetween(0L, 5000L);
      String position = disconnect.getJsonObject("positions").getString(channel);
      if (before.isEmpty()) {
        assertThat(position).isNull();
      } else {
        assertThat(position).isEqualTo(before.get(before.size() - 1).getString("id"));
      }
      moved = WsTestClient.connect(clients, staying.httpPort(), "/ws");
      moved.nextOp("hello");
      JsonObject sub = new JsonObject().put("op", "subscribe").put("channels", List.of(channel));
      if (position != null) {
        sub.put("since", new JsonObject().put(channel, position));
      }
      moved.send(sub);
      assertThat(moved.nextOp("subscribed").getBoolean("recovered")).isTrue();
      List<JsonObject> after = moved.messages(TOTAL - before.size());
      assertThat(after.get(0).getString("id")).isNotNull();
      Set<Long> offsets = new HashSet<>();
      before.forEach(m -> assertThat(offsets.add(offset(m))).isTrue());
      after.forEach(m -> assertThat(offsets.add(offset(m))).as("duplicate %s", m).isTrue());
      assertThat(offsets).hasSize(TOTAL);
      awaitTrue(30, () -> "ingest stream not fully acknowledged", () -> Await.of(redis.send(
          Request.cmd(Command.XPENDING).arg(stream).arg("herald")), 10).get(0).toLong() == 0);
      awaitTrue(30, () -> "the staying node saw the member leave", () -> staying.log().contains(": 2 members, left"));
    } finally {
      onStaying.close();
      onLeaving.close();
      if (moved != null) {
        moved.close();
      }
    }
  }

  /** XADDs TOTAL publishes of {@code channel}, 4 every 10 ms, from a timer of the client Vert.x. */
  private static long stream(String stream, String channel, AtomicInteger sent) {
    return clients.setPeriodic(10, t -> {
      for (int i = 0; i < 4 && sent.get() < TOTAL; i++) {
        int n = sent.getAndIncrement();
        redis.send(Request.cmd(Command.XADD).arg(stream).arg("*").arg("publish")
            .arg(new JsonObject().put("channel", channel).put("data", n).encode()));
      }
    });
  }

  @Test
  @Order(2)
  void killedNodesEntriesAndClientsAreTakenOverWithoutLossOrDuplicate() throws Exception {
    NodeProcess victim = nodes.get(0);
    NodeProcess survivor = nodes.get(1);
    String channel = "failover:1";
    WsTestClient onSurvivor = WsTestClient.connect(clients, survivor.httpPort(), "/ws?channels=" + channel);
    WsTestClient onVictim = WsTestClient.connect(clients, victim.httpPort(), "/ws?channels=" + channel);
    WsTestClient moved = null;
    try {
      onSurvivor.nextOp("subscribed");
      onVictim.nextOp("subscribed");

      // The stream: 4 entries every 10 ms from a timer on the client Vert.x, while the test thread kills.
      AtomicInteger sent = new AtomicInteger();
      String stream = prefix + "ingest";
      long timer = stream(stream, channel, sent);
      try {
        awaitTrue(60, () -> "stream under way: " + sent.get(), () -> sent.get() >= TOTAL / 3);
        victim.kill();
        awaitTrue(60, () -> "stream sent: " + sent.get(), () -> sent.get() >= TOTAL);
      } finally {
        clients.cancelTimer(timer);
      }

      List<JsonObject> survivorGot = onSurvivor.messages(TOTAL);
      assertThat(survivorGot).extracting(ClusterFailoverIT::offset)
          .containsExactlyElementsOf(IntStream.rangeClosed(1, TOTAL).mapToObj(i -> (long) i).toList());
      assertThat(survivorGot).extracting(m -> m.getInteger("data"))
          .containsExactlyInAnyOrderElementsOf(IntStream.range(0, TOTAL).boxed().toList());

      // The victim's client saw a prefix, then its connection dropped; it resumes on the survivor.
      awaitTrue(30, () -> "victim's client closed", () -> onVictim.closeStatus() != null);
      List<JsonObject> before = new ArrayList<>();
      for (JsonObject f : onVictim.drain()) {
        if ("message".equals(f.getString("op"))) {
          before.add(f);
        }
      }
      moved = WsTestClient.connect(clients, survivor.httpPort(), "/ws");
      moved.nextOp("hello");
      JsonObject sub = new JsonObject().put("op", "subscribe").put("channels", List.of(channel));
      if (!before.isEmpty()) {
        sub.put("since", new JsonObject().put(channel, before.get(before.size() - 1).getString("id")));
      }
      moved.send(sub);
      assertThat(moved.nextOp("subscribed").getBoolean("recovered")).isTrue();
      List<JsonObject> after = moved.messages(TOTAL - before.size());
      Set<Long> offsets = new HashSet<>();
      before.forEach(m -> assertThat(offsets.add(offset(m))).isTrue());
      after.forEach(m -> assertThat(offsets.add(offset(m))).as("duplicate %s", m).isTrue());
      assertThat(offsets).hasSize(TOTAL);
      assertThat(moved.drain()).noneMatch(f -> "message".equals(f.getString("op")));
      awaitTrue(30, () -> "ingest stream not fully acknowledged", () -> Await.of(redis.send(
          Request.cmd(Command.XPENDING).arg(stream).arg("herald")), 10).get(0).toLong() == 0);
    } finally {
      onSurvivor.close();
      onVictim.close();
      if (moved != null) {
        moved.close();
      }
    }
  }
}
