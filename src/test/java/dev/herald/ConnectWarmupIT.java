package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.message.Channel;
import dev.herald.testing.Await;
import dev.herald.testing.Eventually;
import dev.herald.testing.Http;
import dev.herald.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
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

  private HeraldNode start(int connections, JsonObject limits) {
    JsonObject tree = TestNodes.memory().put("node", new JsonObject().put("warmupConnections", connections))
        .put("limits", limits);
    node = TestNodes.start(vertx, tree);
    return node;
  }

  @Test
  void readinessWaitsForTheWarmupWhichKeepsToHalfTheConnectBudget() {
    // 100 connections/s for the warm-up: 600 take 6 s. Unpaced, its first 256 would meet a burst of 200 and the
    // rest would be refused as overloaded.
    start(600, new JsonObject().put("newConnectionsPerSecond", 200));
    try (Http http = new Http(vertx, node.port())) {
      Http.Reply during = http.get("/health/ready");
      assertThat(during.status()).isEqualTo(503);
      assertThat(during.json().getJsonObject("checks").getString("warmup")).isEqualTo("down: warming up");

      ConnectWarmup.Result result = Await.of(node.warmup(), 60);
      assertThat(result.subscribed()).isEqualTo(600);
      assertThat(result.refused()).isZero();
      assertThat(result.failed()).isZero();

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
  void keepsToTheConnectionsAllowedPerAddress() {
    // All from one loopback address: more than 2 open at once would be refused as too_many_connections.
    start(40, new JsonObject().put("maxConnectionsPerIp", 2));
    ConnectWarmup.Result result = Await.of(node.warmup(), 60);
    assertThat(result.subscribed()).isEqualTo(40);
    assertThat(result.refused()).isZero();
  }

  @Test
  void refusedWarmupConnectionsDoNotKeepTheNodeFromBeingReady() {
    JsonObject tree = TestNodes.memory().put("node", new JsonObject().put("warmupConnections", 10))
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
    JsonObject tree = TestNodes.memory().put("node", new JsonObject().put("warmupConnections", 20));
    tree.getJsonObject("http").put("tls", new JsonObject().put("keyPath", cert.privateKeyPath())
        .put("certPath", cert.certificatePath()));
    node = TestNodes.start(vertx, tree);
    ConnectWarmup.Result result = Await.of(node.warmup(), 60);
    assertThat(result.subscribed()).isEqualTo(20);
  }

  @Test
  void aDrainEndsTheWarmup() {
    // Paced at 10 connections per 100 ms, 100,000 would take 1,000 s.
    start(100_000, new JsonObject().put("newConnectionsPerSecond", 200));
    Await.of(node.drain(0), 30);
    ConnectWarmup.Result result = Await.of(node.warmup(), 30);
    assertThat(result.subscribed() + result.refused() + result.failed()).isLessThan(100_000);
  }
}
