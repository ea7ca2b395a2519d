package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.message.Channel;
import dev.herald.testing.Await;
import dev.herald.testing.Eventually;
import dev.herald.testing.Http;
import dev.herald.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The generator's own account of a loss, against a real node: who got nothing, whom the server closed. */
class SubscriberFleetIT {

  private final Vertx vertx = Vertx.vertx();
  private HeraldNode node;
  private Http http;
  private SubscriberFleet fleet;

  @AfterEach
  void stop() {
    if (fleet != null) {
      Await.of(fleet.close(), 30);
    }
    if (http != null) {
      http.close();
    }
    if (node != null) {
      Await.of(node.stop(0), 30);
    }
    Await.of(vertx.close(), 30);
  }

  /**
   * A fleet opened from one thread must not run every socket on one event loop (Vert.x's sticky loop for a
   * non-Vert.x thread did that): subscribers i and i + 1 are read on different loops.
   */
  @Test
  void subscribersAreReadOnEveryEventLoopOfTheFleet() {
    node = TestNodes.start(vertx, TestNodes.memory());
    http = new Http(vertx, node.port());
    Vertx client = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    try {
      SubscriberFleet two = new SubscriberFleet(client, Target.HERALD, Transport.WS, "127.0.0.1",
          List.of(node.port()), 0, 4, 1, "bench:", 0, 1, 4, ClientWebSocket.LEAN);
      assertThat(Await.of(two.connect(10_000), 30).subscribed()).isEqualTo(4);
      JsonObject data = new JsonObject().put("t", SubscriberFleet.nowMicros()).put("n", 1);
      assertThat(http.post("/api/publish", new JsonObject().put("channel", "bench:0").put("data", data).encode())
          .status()).isEqualTo(202);
      Eventually.within(10, () -> assertThat(two.uniqueReceived()).isEqualTo(4));
      assertThat(two.readingThreads()).hasSize(2);
      // One message, read on both loops: one earliest delivery, the lowest latency of the four.
      org.HdrHistogram.Histogram all = two.latency();
      long[] firsts = two.firstDeliveries();
      assertThat(firsts).hasSize(2);
      assertThat(all.valuesAreEquivalent(firsts[1], all.getMinValue())).as("%s vs %s", firsts[1], all.getMinValue())
          .isTrue();
      Await.of(two.close(), 30);
    } finally {
      Await.of(client.close(), 30);
    }
  }

  /** The connect scenarios' warm-up: the same fleet connects, leaves and connects again, counted afresh. */
  @ParameterizedTest
  @EnumSource(ClientWebSocket.class)
  void aDisconnectedFleetLeavesTheServerAndConnectsAgainFromZero(ClientWebSocket client) {
    fleet = fourSubscribersOnANewNode(client);
    Channel bench0 = Channel.parse("bench:0");
    assertThat(Await.of(fleet.connect(10_000), 30).subscribed()).isEqualTo(4);
    assertThat(Await.of(node.localSubscribers(bench0), 10)).isEqualTo(2);

    Await.of(fleet.disconnect(), 30);
    Eventually.within(10, () -> assertThat(Await.of(node.localSubscribers(bench0), 10)).isZero());
    assertThat(fleet.closedAfterSubscribe()).as("closes the fleet asked for are not the server's").isZero();

    SubscriberFleet.ConnectResult again = Await.of(fleet.connect(10_000), 30);
    assertThat(again.ok()).isEqualTo(4);
    assertThat(again.subscribed()).isEqualTo(4);
    assertThat(again.failed()).isZero();
    assertThat(Await.of(node.localSubscribers(bench0), 10)).isEqualTo(2);
    publishFirstMessage("bench:0");
    Eventually.within(10, () -> assertThat(fleet.uniqueReceived()).isEqualTo(2));
    assertThat(fleet.expected(new long[] {1, 0})).isEqualTo(2);
    assertThat(fleet.silent(new long[] {1, 0})).isZero();
  }

  @ParameterizedTest
  @EnumSource(ClientWebSocket.class)
  void silentSubscribersAndConnectionsClosedByTheServerAreCounted(ClientWebSocket client) {
    fleet = fourSubscribersOnANewNode(client);
    assertThat(Await.of(fleet.connect(10_000), 30).subscribed()).isEqualTo(4);
    fleet.reset();
    publishFirstMessage("bench:0");
    Eventually.within(10, () -> assertThat(fleet.uniqueReceived()).isEqualTo(2));
    assertThat(fleet.silent(new long[] {1, 0})).isZero();
    // Had bench:1 been published to as well, its two subscribers would have received nothing.
    assertThat(fleet.silent(new long[] {1, 1})).isEqualTo(2);
    assertThat(fleet.silentChannels(new long[] {1, 1})).containsExactly(1);
    assertThat(FleetWorker.channelList(fleet.silentChannels(new long[] {1, 0}))).isEqualTo("-");
    fleet.reset();
    assertThat(fleet.silent(new long[] {1, 0})).as("a new step starts from nothing received").isEqualTo(2);
    assertThat(FleetWorker.channelList(fleet.silentChannels(new long[] {1, 1}))).isEqualTo("0,1");
    assertThat(fleet.closedAfterSubscribe()).isZero();

    Await.of(node.stop(0), 30);
    node = null;
    Eventually.within(10, () -> assertThat(fleet.closedAfterSubscribe()).isEqualTo(4));
  }

  /** A node of its own, and a fleet (not connected) whose subscriber i takes channel bench:(i mod 2). */
  private SubscriberFleet fourSubscribersOnANewNode(ClientWebSocket client) {
    node = TestNodes.start(vertx, TestNodes.memory());
    http = new Http(vertx, node.port());
    return new SubscriberFleet(vertx, Target.HERALD, Transport.WS, "127.0.0.1", List.of(node.port()), 0, 4, 2,
        "bench:", 0, 1, 4, client);
  }

  /** Publishes the bench's message number 1 to {@code channel}, sent now. */
  private void publishFirstMessage(String channel) {
    JsonObject data = new JsonObject().put("t", SubscriberFleet.nowMicros()).put("n", 1);
    assertThat(http.post("/api/publish", new JsonObject().put("channel", channel).put("data", data).encode())
        .status()).isEqualTo(202);
  }
}
