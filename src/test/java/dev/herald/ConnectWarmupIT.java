package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.config.ConfigLoader;
import dev.herald.config.HeraldConfig;
import dev.herald.message.Channel;
import dev.herald.testing.Await;
import dev.herald.testing.Eventually;
import dev.herald.testing.Http;
import dev.herald.testing.TestNodes;
import dev.herald.testing.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code node.warmupConnections}: the node opens WebSockets to its own listener at start, within the limits any
 * client meets, reports ready only once they are done, and leaves nothing open.
 */
class ConnectWarmupIT {

  private final Vertx vertx = Vertx.vertx();
  private HeraldNode node;

  @AfterEach
  void close() {
    if (node != null) {
      Await.of(node.stop(0), 30);
    }
    Await.of(vertx.close(), 30);
  }

  /** A memory node's settings with a warm-up of {@code connections}. */
  private static JsonObject warmingUp(int connections) {
    return TestNodes.memory().put("node", new JsonObject().put("warmupConnections", connections));
  }

  private HeraldNode start(int connections, JsonObject limits) {
    node = TestNodes.start(vertx, warmingUp(connections).put("limits", limits));
    return node;
  }

  @Test
  void readinessWaitsForTheWarmupWhichLeavesHalfTheConnectBudgetToClients() {
    // 100 connections/s for the warm-up: 600 take 6 s. Unpaced, its first 256 would meet a burst of 200 and the
    // rest would be refused as overloaded; paced at the whole budget, it would leave clients none.
    start(600, new JsonObject().put("newConnectionsPerSecond", 200));
    try (Http http = new Http(vertx, node.port())) {
      Http.Reply during = http.get("/health/ready");
      assertThat(during.status()).isEqualTo(503);
      assertThat(during.json().getJsonObject("checks").getString("warmup")).isEqualTo("down: warming up");
      List<WsTestClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i < 50; i++) {
          WsTestClient c = WsTestClient.connect(vertx, node.port(), "/ws?channels=thread:" + i);
          clients.add(c);
          assertThat(c.nextOp("subscribed").getString("channel")).isEqualTo("thread:" + i);
        }
      } finally {
        clients.forEach(WsTestClient::close);
      }

      ConnectWarmup.Result result = Await.of(node.warmup(), 60);
      assertThat(result.subscribed()).isEqualTo(600);
      assertThat(result.refused()).isZero();
      assertThat(result.failed()).isZero();
      assertThat(result.stoppedEarly()).isFalse();

      Http.Reply after = http.get("/health/ready");
      assertThat(after.status()).isEqualTo(200);
      assertThat(after.json().getJsonObject("checks").getString("warmup")).isEqualTo("up");
      Eventually.within(10, () -> {
        assertThat(Await.of(node.connectedClients(), 10)).isZero();
        assertThat(Await.of(node.localSubscribers(Channel.parse(ConnectWarmup.NAMESPACE + ":c0")), 10)).isZero();
        assertThat(node.router().registrations()).isZero();
      });
    }
  }

  @Test
  void keepsToHalfTheConnectionsAllowedPerAddress() {
    // All from one loopback address, like the client below: with 2 allowed, one warm-up connection at a time leaves
    // the other to it. 100 at 100/s take a second.
    start(100, new JsonObject().put("maxConnectionsPerIp", 2).put("newConnectionsPerSecond", 200));
    try (WsTestClient client = WsTestClient.connect(vertx, node.port(), "/ws?channels=thread:1")) {
      assertThat(client.nextOp("subscribed").getString("channel")).isEqualTo("thread:1");
      ConnectWarmup.Result result = Await.of(node.warmup(), 60);
      assertThat(result.subscribed()).isEqualTo(100);
      assertThat(result.refused()).isZero();
    }
  }

  @Test
  void warmsUpANodeThatListsItsSitesOrigins() {
    JsonObject tree = warmingUp(20);
    tree.getJsonObject("http").put("allowedOrigins", new JsonArray().add("https://comments.example"));
    node = TestNodes.start(vertx, tree);
    ConnectWarmup.Result result = Await.of(node.warmup(), 60);
    assertThat(result.subscribed()).isEqualTo(20);
    assertThat(result.failed()).isZero();
  }

  @Test
  void clientsThatArriveMeanwhileEndTheWarmup() {
    // A million would take hours at 200/s; the clients' own connections warm the path instead. The slow pace keeps
    // few warm-up connections in flight, which the count of other clients' connections subtracts.
    start(1_000_000, new JsonObject().put("newConnectionsPerSecond", 400));
    List<WsTestClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < ConnectWarmup.OTHER_CLIENTS + 32; i++) {
        clients.add(WsTestClient.connect(vertx, node.port(), "/ws?channels=thread:storm"));
      }
      ConnectWarmup.Result result = Await.of(node.warmup(), 30);
      assertThat(result.stoppedEarly()).isTrue();
      assertThat(result.subscribed() + result.refused() + result.failed()).isLessThan(1_000_000);
      clients.forEach(c -> assertThat(c.nextOp("subscribed").getString("channel")).isEqualTo("thread:storm"));
    } finally {
      clients.forEach(WsTestClient::close);
    }
  }

  @Test
  void refusedWarmupConnectionsDoNotKeepTheNodeFromBeingReady() {
    JsonObject tree = warmingUp(10)
        .put("namespaces", new JsonObject().put(ConnectWarmup.NAMESPACE, "private"));
    node = TestNodes.start(vertx, tree);
    ConnectWarmup.Result result = Await.of(node.warmup(), 60);
    assertThat(result.subscribed()).isZero();
    assertThat(result.refused()).isEqualTo(10);
    try (Http http = new Http(vertx, node.port())) {
      assertThat(http.get("/health/ready").status()).isEqualTo(200);
    }
  }

  @Test
  void warmsUpOverTls() {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    JsonObject tree = warmingUp(20);
    tree.getJsonObject("http").put("tls", new JsonObject().put("keyPath", cert.privateKeyPath())
        .put("certPath", cert.certificatePath()));
    node = TestNodes.start(vertx, tree);
    ConnectWarmup.Result result = Await.of(node.warmup(), 60);
    assertThat(result.subscribed()).isEqualTo(20);
  }

  /** A node bound to the IPv6 loopback alone: the warm-up must connect there, not to 127.0.0.1. */
  @Test
  void warmsUpANodeListeningOnIpv6Loopback() {
    assumeTrue(hasIpv6Loopback(), "no IPv6 loopback on this machine");
    JsonObject tree = warmingUp(20);
    tree.getJsonObject("http").put("host", "::1");
    node = TestNodes.start(vertx, tree);
    ConnectWarmup.Result result = Await.of(node.warmup(), 60);
    assertThat(result.subscribed()).isEqualTo(20);
    assertThat(result.failed()).isZero();
  }

  private static boolean hasIpv6Loopback() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
      return s.getLocalPort() > 0;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void aDrainEndsTheWarmup() {
    // Paced at 10 connections per 100 ms, 100,000 would take 1,000 s.
    start(100_000, new JsonObject().put("newConnectionsPerSecond", 200));
    Await.of(node.drain(0), 30);
    ConnectWarmup.Result result = Await.of(node.warmup(), 30);
    assertThat(result.stoppedEarly()).isTrue();
    assertThat(result.subscribed() + result.refused() + result.failed()).isLessThan(100_000);
  }

  @Test
  void pacesBelowOneConnectionATick() {
    // Half of 2 a second is one connection every ten ticks. Rounded to one a tick, the four would come within 0.4 s
    // and the node's budget (2 a second, a burst of 2) would refuse two of them; rounded down, none would start.
    start(4, new JsonObject().put("newConnectionsPerSecond", 2));
    try (WsTestClient client = WsTestClient.connect(vertx, node.port(), "/ws?channels=thread:1")) {
      assertThat(client.nextOp("subscribed").getString("channel")).isEqualTo("thread:1");
      ConnectWarmup.Result result = Await.of(node.warmup(), 60);
      assertThat(result.subscribed()).isEqualTo(4);
      assertThat(result.refused()).isZero();
      assertThat(result.failed()).isZero();
    }
  }

  @Test
  void cutsConnectionsThatNeverSubscribe() {
    // A listener that completes the handshake and greets, then says nothing: heartbeats alone would keep such a
    // connection open, so the warm-up closes each at its deadline, counts it and finishes.
    AtomicInteger closed = new AtomicInteger();
    HttpServer silent = Await.of(vertx.createHttpServer().webSocketHandler(ws -> {
      ws.writeTextMessage(new JsonObject().put("op", "hello").encode());
      ws.closeHandler(v -> closed.incrementAndGet());
    }).listen(0, "127.0.0.1"), 30);
    HeraldConfig config = ConfigLoader.fromJson(TestNodes.memory(), "test", Map.of());
    ConnectWarmup warmup = ConnectWarmup.start(vertx, config.http(), silent.actualPort(), config.limits(), 3,
        () -> 0, 500);
    ConnectWarmup.Result result = Await.of(warmup.done(), 30);
    assertThat(result.subscribed()).isZero();
    assertThat(result.refused()).isEqualTo(3);
    assertThat(result.failed()).isZero();
    Eventually.within(10, () -> assertThat(closed.get()).isEqualTo(3));
  }

  @Test
  void aConnectThatThrowsCountsAsFailedAndTheWarmupStillEnds() {
    // A port out of range makes the client's connect throw before it returns a future; uncaught, the warm-up would
    // wait for those connections for ever and the node would never report ready.
    HeraldConfig config = ConfigLoader.fromJson(TestNodes.memory(), "test", Map.of());
    ConnectWarmup warmup = ConnectWarmup.start(vertx, config.http(), 70_000, config.limits(), 3, () -> 0);
    ConnectWarmup.Result result = Await.of(warmup.done(), 30);
    assertThat(result.failed()).isEqualTo(3);
    assertThat(result.subscribed()).isZero();
    assertThat(result.refused()).isZero();
  }
}
