package dev.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.engine.QueueEntry;
import dev.herald.security.KeyHashes;
import dev.herald.testing.Await;
import dev.herald.testing.Http;
import dev.herald.testing.TestNodes;
import dev.herald.testing.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin API on a real node (memory engine): key check, channel inspection, purge, dead-letter replay. */
class AdminApiIT {

  private static final String KEY = "admin-key-for-tests";

  private Vertx vertx;
  private HeraldNode node;
  private Http http;
  private final List<WsTestClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    JsonObject tree = TestNodes.memory();
    tree.getJsonObject("security").put("adminKeys", new JsonArray().add(KeyHashes.sha256Hex(KEY)));
    node = TestNodes.start(vertx, tree);
    http = new Http(vertx, node.port());
  }

  @AfterEach
  void stop() {
    clients.forEach(WsTestClient::close);
    http.close();
    Await.of(node.stop(0), 30);
    Await.of(vertx.close(), 30);
  }

  private Http.Reply admin(HttpMethod method, String path) {
    return http.request(method, path, null, KEY);
  }

  private WsTestClient subscriber(String channel) {
    WsTestClient c = WsTestClient.connect(vertx, node.port(), "/ws?channels=" + channel);
    clients.add(c);
    c.nextOp("subscribed");
    return c;
  }

  private void publish(String channel, Object data) {
    assertThat(http.post("/api/publish", new JsonObject().put("channel", channel).put("data", data).encode())
        .status()).isEqualTo(202);
  }

  @Test
  void everyAdminRouteIsRefusedWithoutAValidKey() {
    List<Map.Entry<HttpMethod, String>> routes = List.of(Map.entry(HttpMethod.GET, "/admin/channels/thread:1"),
        Map.entry(HttpMethod.DELETE, "/admin/channels/thread:1/messages/abc-1"),
        Map.entry(HttpMethod.GET, "/admin/dead"), Map.entry(HttpMethod.POST, "/admin/dead/1/replay"),
        Map.entry(HttpMethod.POST, "/admin/drain"));
    for (Map.Entry<HttpMethod, String> route : routes) {
      assertThat(http.request(route.getKey(), route.getValue(), null).status()).as(route.toString()).isEqualTo(401);
      assertThat(http.request(route.getKey(), route.getValue(), null, "wrong").status()).as(route.toString())
          .isEqualTo(401);
      // The configured value is the hash; presenting the hash itself must not work.
      assertThat(http.request(route.getKey(), route.getValue(), null, KeyHashes.sha256Hex(KEY)).status())
          .as(route.toString()).isEqualTo(401);
    }
    assertThat(node.draining()).isFalse();
  }

  @Test
  void channelShowsLocalSubscribersHistoryLengthAndLatestPosition() {
    subscriber("thread:5");
    WsTestClient last = subscriber("thread:5");
    for (int i = 1; i <= 3; i++) {
      publish("thread:5", i);
    }
    String latest = last.messages(3).get(2).getString("id");
    JsonObject info = admin(HttpMethod.GET, "/admin/channels/thread:5").json();
    assertThat(info.getString("channel")).isEqualTo("thread:5");
    assertThat(info.getInteger("subscribers")).isEqualTo(2);
    assertThat(info.getInteger("nodes")).isEqualTo(1);
    assertThat(info.getInteger("unansweredNodes")).isZero();
    assertThat(info.getLong("historySize")).isEqualTo(3);
    assertThat(info.getString("position")).isEqualTo(latest);
    assertThat(admin(HttpMethod.GET, "/admin/channels/Not%20A%20Channel").status()).isEqualTo(400);
  }

  @Test
  void purgeRemovesTheMessageAndTellsSubscribers() {
    WsTestClient c = subscriber("thread:6");
    publish("thread:6", "spam");
    String id = c.nextOp("message").getString("id");

    Http.Reply r = admin(HttpMethod.DELETE, "/admin/channels/thread:6/messages/" + id);
    assertThat(r.status()).isEqualTo(200);
    JsonObject deleted = c.nextOp("message");
    assertThat(deleted.getString("type")).isEqualTo("message.deleted");
    assertThat(deleted.getJsonObject("data").getString("id")).isEqualTo(id);
    // The spam is gone from history; only the deletion event is there.
    assertThat(admin(HttpMethod.GET, "/admin/channels/thread:6").json().getLong("historySize")).isEqualTo(1);
    assertThat(admin(HttpMethod.DELETE, "/admin/channels/thread:6/messages/" + id).status()).isEqualTo(404);
    assertThat(admin(HttpMethod.DELETE, "/admin/channels/thread:6/messages/nonsense").status()).isEqualTo(400);
  }

  @Test
  void replayedDeadLetterIsDeliveredOnce() {
    WsTestClient c = subscriber("thread:8");
    String body = new JsonObject().put("channel", "thread:8").put("type", "recovered").put("data", 1).encode();
    Await.of(node.queue().deadLetter(new QueueEntry("lost-1", Map.of("publish", body), System.currentTimeMillis()),
        "commit failed 3 times", 3));

    JsonArray dead = admin(HttpMethod.GET, "/admin/dead").json().getJsonArray("deadLetters");
    assertThat(dead).hasSize(1);
    JsonObject letter = dead.getJsonObject(0);
    assertThat(letter.getString("entryId")).isEqualTo("lost-1");
    assertThat(letter.getString("reason")).isEqualTo("commit failed 3 times");
    assertThat(letter.getJsonObject("fields").getString("publish")).isEqualTo(body);

    Http.Reply replay = admin(HttpMethod.POST, "/admin/dead/" + letter.getString("id") + "/replay");
    assertThat(replay.status()).isEqualTo(200);
    assertThat(replay.json().getString("ingestId")).isNotBlank();
    assertThat(c.nextOp("message").getString("type")).isEqualTo("recovered");
    publish("thread:8", "marker");
    // The next message is the marker: the replayed entry came exactly once.
    assertThat(c.nextOp("message").getString("data")).isEqualTo("marker");
    assertThat(admin(HttpMethod.GET, "/admin/dead").json().getJsonArray("deadLetters")).isEmpty();
    assertThat(admin(HttpMethod.POST, "/admin/dead/" + letter.getString("id") + "/replay").status())
        .isEqualTo(404);
  }

  @Test
  void drainDisconnectsClientsWithPositionsAndRefusesNewOnes() {
    WsTestClient c = subscriber("thread:9");
    publish("thread:9", 1);
    String id = c.nextOp("message").getString("id");
    assertThat(admin(HttpMethod.POST, "/admin/drain").status()).isEqualTo(202);
    JsonObject disconnect = c.nextOp("disconnect");
    assertThat(disconnect.getString("code")).isEqualTo("shutdown");
    assertThat(disconnect.getJsonObject("positions").getString("thread:9")).isEqualTo(id);
    assertThat(disconnect.getLong("retryAfterMs")).isBetween(0L, 5000L);
    assertThat(node.draining()).isTrue();
    assertThat(http.get("/health/ready").status()).isEqualTo(503);
    assertThat(http.get("/ws").status()).isEqualTo(503);
  }
}
