package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.config.ConfigLoader;
import dev.herald.testing.Await;
import dev.herald.testing.Http;
import dev.herald.testing.TestNodes;
import dev.herald.testing.Tokens;
import dev.herald.testing.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Publisher keys, subscriber tokens and connection limits on a real node, over {@code /ws} and the HTTP API. */
class SecurityIT {

  private static final String THREAD_KEY = "thread-only-key-0123456789";

  private Vertx vertx;
  private HeraldNode node;
  private Http http;
  private final List<WsTestClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    clients.forEach(WsTestClient::close);
    if (http != null) {
      http.close();
    }
    if (node != null) {
      Await.of(node.stop(0), 30);
    }
    Await.of(vertx.close(), 30);
  }

  private void startNode(Consumer<JsonObject> tweak) {
    JsonObject tree = TestNodes.memory();
    tree.put("transport", new JsonObject().put("heartbeatMs", 200));
    tree.getJsonObject("security").getJsonArray("publishers").add(TestNodes.publisher(THREAD_KEY, "thread"));
    tweak.accept(tree);
    node = TestNodes.start(vertx, tree);
    http = new Http(vertx, node.port());
  }

  private WsTestClient connect(String path) {
    return connect(path, Map.of());
  }

  private WsTestClient connect(String path, Map<String, String> headers) {
    WsTestClient c = WsTestClient.connect(vertx, node.port(), path, headers);
    clients.add(c);
    return c;
  }

  private static String publish(String channel, Object data) {
    return new JsonObject().put("channel", channel).put("data", data).encode();
  }

  // --- publisher keys ---

  @Test
  void publishWithoutOrWithUnknownKeyIsUnauthorized() {
    startNode(t -> { });
    for (String path : List.of("/api/publish", "/api/posts")) {
      Http.Reply none = http.postWithKey(path, publish("thread:1", 1), null);
      assertThat(none.status()).isEqualTo(401);
      assertThat(none.json().getString("error")).contains("Bearer");
      Http.Reply unknown = http.postWithKey(path, publish("thread:1", 1), "wrong-key");
      assertThat(unknown.status()).isEqualTo(401);
      assertThat(unknown.body()).doesNotContain("wrong-key");
    }
  }

  @Test
  void keyIsLimitedToItsNamespaces() {
    startNode(t -> { });
    WsTestClient c = connect("/ws?channels=thread:1");
    c.nextOp("subscribed");
    assertThat(http.postWithKey("/api/publish", publish("thread:1", "ok"), THREAD_KEY).status()).isEqualTo(202);
    assertThat(c.nextOp("message").getString("data")).isEqualTo("ok");
    Http.Reply forum = http.postWithKey("/api/publish",
        new JsonObject().put("channels", new JsonArray().add("thread:1").add("forum:1")).encode(), THREAD_KEY);
    assertThat(forum.status()).isEqualTo(403);
    assertThat(forum.json().getString("error")).contains("forum");
    // A post goes to forum, thread, user and post: a thread-only key may not send it.
    assertThat(http.postWithKey("/api/posts", WebSocketPipelineIT.post("p1", "1", "<p>x</p>"), THREAD_KEY).status())
        .isEqualTo(403);
    assertThat(http.post("/api/posts", WebSocketPipelineIT.post("p1", "1", "<p>x</p>")).status()).isEqualTo(202);
    assertThat(c.nextOp("message").getString("type")).isEqualTo("post.created");
  }

  @Test
  void nodeWithoutKeysRefusesEveryPublish() {
    startNode(t -> t.getJsonObject("security").put("publishers", new JsonArray()));
    Http.Reply r = http.post("/api/publish", publish("thread:1", 1));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().getString("error")).contains("disabled");
  }

  @Test
  void environmentKeyMayPublishEverywhere() {
    JsonObject tree = TestNodes.memory();
    tree.getJsonObject("security").put("publishers", new JsonArray());
    node = Await.of(HeraldNode.start(vertx,
        ConfigLoader.fromJson(tree, "test", Map.of("HERALD_PUBLISH_KEY", "env-key-0123456789"))), 30);
    http = new Http(vertx, node.port());
    assertThat(http.postWithKey("/api/publish", publish("user:1", 1), "env-key-0123456789").status()).isEqualTo(202);
    assertThat(http.post("/api/publish", publish("user:1", 1)).status()).isEqualTo(401);
  }

  // --- subscriber tokens ---

  @Test
  void privateChannelWithoutTokenIsRefusedAndTheConnectionKeepsItsOtherChannels() {
    startNode(t -> { });
    WsTestClient c = connect("/ws?channels=thread:1,user:7");
    c.nextOp("hello");
    List<JsonObject> answers = List.of(c.next(), c.next());
    assertThat(answers).filteredOn(f -> "subscribed".equals(f.getString("op"))).extracting(f -> f.getString("channel"))
        .containsExactly("thread:1");
    JsonObject refused = answers.stream().filter(f -> "error".equals(f.getString("op"))).findFirst().orElseThrow();
    assertThat(refused.getString("code")).isEqualTo("forbidden");
    assertThat(refused.getString("channel")).isEqualTo("user:7");
    http.post("/api/publish", publish("user:7", "secret"));
    http.post("/api/publish", publish("thread:1", "public"));
    assertThat(c.nextOp("message").getString("data")).isEqualTo("public");
    assertThat(c.closeStatus()).isNull();
  }

  @Test
  void wrongUserExpiredAndForgedTokensAreRefused() {
    startNode(t -> { });
    WsTestClient c = connect("/ws");
    c.nextOp("hello");
    String expired = Tokens.sign(new JsonObject().put("sub", "7").put("exp", System.currentTimeMillis() / 1000 - 5));
    String forged = Tokens.sign(new JsonObject().put("sub", "7"), "not-the-secret-0123456789abcdef0123");
    for (String token : List.of(Tokens.forUser("8", 60), expired, forged, Tokens.unsigned(new JsonObject().put("sub", "7")))) {
      c.send(new JsonObject().put("op", "subscribe").put("channels", List.of("user:7")).put("token", token));
      JsonObject e = c.nextOp("error");
      assertThat(e.getString("code")).isEqualTo("forbidden");
      assertThat(e.encode()).doesNotContain(token);
    }
  }

  @Test
  void connectTokenAndFrameTokenGrantTheirUserChannel() {
    startNode(t -> { });
    WsTestClient byUrl = connect("/ws?channels=user:7&token=" + Tokens.forUser("7", 60));
    assertThat(byUrl.nextOp("subscribed").getString("channel")).isEqualTo("user:7");
    WsTestClient byFrame = connect("/ws");
    byFrame.send(new JsonObject().put("op", "subscribe").put("channels", List.of("user:7", "team:x"))
        .put("token", Tokens.sign(new JsonObject().put("sub", "7").put("channels", new JsonArray().add("team:x")))));
    byFrame.next(f -> "subscribed".equals(f.getString("op")) && "user:7".equals(f.getString("channel")));
    http.post("/api/publish", publish("user:7", "n1"));
    assertThat(byUrl.nextOp("message").getString("data")).isEqualTo("n1");
    assertThat(byFrame.nextOp("message").getString("data")).isEqualTo("n1");
  }

  @Test
  void channelsClaimGrantsAConfiguredPrivateNamespace() {
    startNode(t -> t.put("namespaces", new JsonObject().put("team", "private")));
    WsTestClient c = connect("/ws");
    c.send(new JsonObject().put("op", "subscribe").put("channels", List.of("team:red")));
    assertThat(c.nextOp("error").getString("code")).isEqualTo("forbidden");
    c.send(new JsonObject().put("op", "subscribe").put("channels", List.of("team:red"))
        .put("token", Tokens.sign(new JsonObject().put("sub", "1").put("channels", new JsonArray().add("team:red")))));
    assertThat(c.nextOp("subscribed").getString("channel")).isEqualTo("team:red");
  }

  @Test
  void expiredTokenStopsTheSubscriptionWithTokenExpired() {
    startNode(t -> { });
    WsTestClient c = connect("/ws?channels=user:7,thread:1&token=" + Tokens.forUser("7", 1));
    c.nextOp("subscribed");
    c.nextOp("subscribed");
    JsonObject expired = c.nextOp("error");
    assertThat(expired.getString("code")).isEqualTo("token_expired");
    assertThat(expired.getString("channel")).isEqualTo("user:7");
    http.post("/api/publish", publish("user:7", "after"));
    http.post("/api/publish", publish("thread:1", "still"));
    JsonObject m = c.nextOp("message");
    assertThat(m.getString("channel")).isEqualTo("thread:1");
    assertThat(c.closeStatus()).isNull();
  }

  @Test
  void refreshBeforeExpiryKeepsTheSubscription() throws InterruptedException {
    startNode(t -> { });
    WsTestClient c = connect("/ws?channels=user:7&token=" + Tokens.forUser("7", 2));
    c.nextOp("subscribed");
    c.send(new JsonObject().put("op", "refresh").put("token", Tokens.forUser("7", 120)));
    Thread.sleep(3000);
    http.post("/api/publish", publish("user:7", "later"));
    JsonObject next = c.next(f -> !"pong".equals(f.getString("op")));
    assertThat(next.getString("op")).isEqualTo("message");
    assertThat(next.getString("data")).isEqualTo("later");
  }

  // --- connection limits ---

  @Test
  void channelsPerConnectionAreCapped() {
    startNode(t -> t.put("limits", new JsonObject().put("maxChannelsPerConnection", 2)));
    WsTestClient c = connect("/ws?channels=thread:1,thread:2,thread:3");
    c.nextOp("hello");
    // The refusal is immediate; the subscribed frames follow the history read, so they may come after it.
    List<JsonObject> answers = List.of(c.next(), c.next(), c.next());
    assertThat(answers).filteredOn(f -> "subscribed".equals(f.getString("op"))).extracting(f -> f.getString("channel"))
        .containsExactlyInAnyOrder("thread:1", "thread:2");
    assertThat(answers).filteredOn(f -> "too_many_channels".equals(f.getString("code")))
        .extracting(f -> f.getString("channel")).containsExactly("thread:3");
    c.send(new JsonObject().put("op", "unsubscribe").put("channels", List.of("thread:1")));
    c.nextOp("unsubscribed");
    c.send(new JsonObject().put("op", "subscribe").put("channels", List.of("thread:3")));
    assertThat(c.nextOp("subscribed").getString("channel")).isEqualTo("thread:3");
  }

  @Test
  void subscribeRateIsLimitedPerConnection() {
    startNode(t -> t.put("limits", new JsonObject().put("subscribesPerSecond", 3)));
    WsTestClient c = connect("/ws");
    c.send(new JsonObject().put("op", "subscribe").put("channels", List.of("forum:1", "forum:2", "forum:3", "forum:4")));
    List<JsonObject> answers = List.of(c.next(f -> !"hello".equals(f.getString("op"))), c.next(), c.next(), c.next());
    assertThat(answers).filteredOn(f -> "subscribed".equals(f.getString("op"))).hasSize(3);
    assertThat(answers).filteredOn(f -> "rate_limited".equals(f.getString("code")))
        .extracting(f -> f.getString("channel")).containsExactly("forum:4");
    c.send(new JsonObject().put("op", "ping"));
    assertThat(c.nextOp("pong")).isNotNull();
  }

  @Test
  void overBudgetConnectionIsToldToRetryAndClosedWith1013() {
    startNode(t -> t.put("limits", new JsonObject().put("newConnectionsPerSecond", 1)));
    WsTestClient ok = connect("/ws");
    assertThat(ok.nextOp("hello")).isNotNull();
    WsTestClient refused = connect("/ws");
    JsonObject d = refused.nextOp("disconnect");
    assertThat(d.getString("code")).isEqualTo("overloaded");
    assertThat(d.getLong("retryAfterMs")).isPositive();
    assertThat(refused.awaitClose()).isEqualTo((short) 1013);
    assertThat(ok.closeStatus()).isNull();
  }

  @Test
  void connectionsPerAddressAreLimitedAndFreedOnClose() {
    startNode(t -> t.put("limits", new JsonObject().put("maxConnectionsPerIp", 2)));
    WsTestClient a = connect("/ws");
    a.nextOp("hello");
    connect("/ws").nextOp("hello");
    WsTestClient third = connect("/ws");
    assertThat(third.nextOp("disconnect").getString("code")).isEqualTo("too_many_connections");
    assertThat(third.awaitClose()).isEqualTo((short) 1008);
    a.close();
    clients.remove(a);
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      WsTestClient again = connect("/ws");
      if ("hello".equals(again.next().getString("op"))) {
        break;
      }
      assertThat(System.currentTimeMillis()).isLessThan(deadline);
    }
  }

  @Test
  void forwardedForCountsOnlyBehindATrustedProxy() {
    startNode(t -> {
      t.put("limits", new JsonObject().put("maxConnectionsPerIp", 1));
      t.getJsonObject("http").put("trustedProxies", new JsonArray().add("127.0.0.1"));
    });
    assertThat(connect("/ws", Map.of("X-Forwarded-For", "198.51.100.1")).nextOp("hello")).isNotNull();
    assertThat(connect("/ws", Map.of("X-Forwarded-For", "198.51.100.2")).nextOp("hello")).isNotNull();
    assertThat(connect("/ws", Map.of("X-Forwarded-For", "6.6.6.6, 198.51.100.1")).nextOp("disconnect")
        .getString("code")).isEqualTo("too_many_connections");
  }

  @Test
  void forwardedForFromAnUntrustedPeerIsIgnored() {
    startNode(t -> t.put("limits", new JsonObject().put("maxConnectionsPerIp", 1)));
    assertThat(connect("/ws", Map.of("X-Forwarded-For", "198.51.100.1")).nextOp("hello")).isNotNull();
    assertThat(connect("/ws", Map.of("X-Forwarded-For", "198.51.100.2")).nextOp("disconnect")
        .getString("code")).isEqualTo("too_many_connections");
  }
}
