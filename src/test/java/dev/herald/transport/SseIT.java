package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.Eventually;
import dev.herald.testing.Http;
import dev.herald.testing.Scrape;
import dev.herald.testing.SseTestClient;
import dev.herald.testing.TestNodes;
import dev.herald.testing.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /sse} on a real node: subscribed events, messages with resume tokens, resume after a drop, and the
 * rules of {@code /ws}: private channels need a token, admission, connection and delivery counters.
 */
class SseIT {

  private Vertx vertx;
  private HeraldNode node;
  private Http http;
  private final List<SseTestClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = TestNodes.vertxWithMetrics();
    JsonObject tree = TestNodes.memory().put("transport", new JsonObject().put("heartbeatMs", 200))
        .put("http", TestNodes.memory().getJsonObject("http").put("allowedOrigins", List.of("http://ok.test")));
    node = TestNodes.start(vertx, tree);
    http = new Http(vertx, node.port());
  }

  @AfterEach
  void stop() {
    clients.forEach(SseTestClient::close);
    http.close();
    Await.of(node.stop(0), 30);
    Await.of(vertx.close(), 30);
  }

  private SseTestClient connect(String path, String lastEventId) {
    SseTestClient c = SseTestClient.connect(vertx, node.port(), path, lastEventId, null);
    clients.add(c);
    return c;
  }

  private void publish(Http h, String channel, int n) {
    assertThat(h.post("/api/publish", new JsonObject().put("channel", channel).put("type", "n").put("data", n)
        .encode()).status()).isEqualTo(202);
  }

  @Test
  void streamStartsWithSubscribedThenCarriesMessageFramesWithIds() {
    SseTestClient c = connect("/sse?channels=thread:42,forum:tech", null);
    assertThat(c.response().getHeader("Content-Type")).startsWith("text/event-stream");
    SseTestClient.Event first = c.next();
    SseTestClient.Event second = c.next();
    assertThat(List.of(first.event(), second.event())).containsExactly("subscribed", "subscribed");
    assertThat(first.id()).isNull();
    assertThat(List.of(first.json().getString("channel"), second.json().getString("channel")))
        .containsExactly("thread:42", "forum:tech");
    assertThat(first.json().getBoolean("recovered")).isTrue();
    publish(http, "forum:tech", 1);
    SseTestClient.Event m = c.next("message");
    assertThat(m.json().getString("op")).isEqualTo("message");
    assertThat(m.json().getString("channel")).isEqualTo("forum:tech");
    assertThat(m.json().getInteger("data")).isEqualTo(1);
    assertThat(m.id()).matches("[A-Za-z0-9_-]+");
    assertThat(ResumeToken.decode(m.id())).containsOnlyKeys("thread:42", "forum:tech")
        .containsEntry("forum:tech", m.json().getString("id"));
  }

  @Test
  void heartbeatsAreComments() {
    SseTestClient c = connect("/sse?channels=thread:1", null);
    c.next("subscribed");
    assertThat(c.nextComment()).isEqualTo(": ok");
    for (int i = 0; i < 3; i++) {
      assertThat(c.nextComment()).isEqualTo(": hb");
    }
  }

  @Test
  void foreignOriginIsRefusedAndAllowedOriginGetsCors() {
    Http.Reply refused = Await.built(vertx, () -> vertx.createHttpClient().request(io.vertx.core.http.HttpMethod.GET,
        node.port(), "127.0.0.1", "/sse?channels=thread:1")
        .compose(r -> r.putHeader("Origin", "http://evil.test").send())
        .compose(r -> r.body().map(b -> new Http.Reply(r.statusCode(), b.toString()))), 10);
    assertThat(refused.status()).isEqualTo(403);
    SseTestClient ok = SseTestClient.connect(vertx, node.port(), "/sse?channels=thread:1", null, "http://ok.test");
    clients.add(ok);
    assertThat(ok.response().getHeader("Access-Control-Allow-Origin")).isEqualTo("http://ok.test");
    ok.next("subscribed");
  }

  @Test
  void resumeWithLastEventIdAfterADropHasNoGapAndNoDuplicate() throws Exception {
    int total = 60;
    List<String> channels = List.of("thread:r1", "forum:r2");
    SseTestClient c = connect("/sse?channels=thread:r1,forum:r2", null);
    c.next("subscribed");
    c.next("subscribed");
    Http publisher = new Http(vertx, node.port());
    CompletableFuture<Void> flow = CompletableFuture.runAsync(() -> {
      for (int i = 1; i <= total; i++) {
        publish(publisher, channels.get(i % 2), i);
      }
    });
    Map<String, List<Integer>> got = new HashMap<>();
    String lastId = null;
    for (int i = 0; i < 10; i++) {
      SseTestClient.Event m = c.next("message");
      got.computeIfAbsent(m.json().getString("channel"), k -> new ArrayList<>()).add(m.json().getInteger("data"));
      lastId = m.id();
    }
    c.drop();
    clients.remove(c);
    c.close();
    // The same URL as the browser reconnects with: only Last-Event-ID tells where it was.
    SseTestClient again = connect("/sse?channels=thread:r1,forum:r2", lastId);
    flow.get(30, TimeUnit.SECONDS);
    publisher.close();
    int received = got.values().stream().mapToInt(List::size).sum();
    while (received < total) {
      SseTestClient.Event e = again.next();
      if (!"message".equals(e.event())) {
        assertThat(e.event()).isEqualTo("subscribed");
        assertThat(e.json().getBoolean("recovered")).isTrue();
        continue;
      }
      got.computeIfAbsent(e.json().getString("channel"), k -> new ArrayList<>()).add(e.json().getInteger("data"));
      received++;
    }
    List<Integer> odd = new ArrayList<>();
    List<Integer> even = new ArrayList<>();
    for (int i = 1; i <= total; i++) {
      (i % 2 == 1 ? odd : even).add(i);
    }
    assertThat(got.get("forum:r2")).containsExactlyElementsOf(odd);
    assertThat(got.get("thread:r1")).containsExactlyElementsOf(even);
  }

  @Test
  void streamsOfOneChannelAndOfSeveralGetTheSameMessagesWithTheirOwnTokens() {
    SseTestClient one = connect("/sse?channels=thread:s1", null);
    SseTestClient alsoOne = connect("/sse?channels=thread:s1", null);
    SseTestClient several = connect("/sse?channels=forum:s2,thread:s1", null);
    one.next("subscribed");
    alsoOne.next("subscribed");
    several.next("subscribed");
    several.next("subscribed");
    // Longer than 255 bytes: the chunk size takes three hex digits.
    String text = "x".repeat(400);
    for (int i = 1; i <= 3; i++) {
      assertThat(http.post("/api/publish", new JsonObject().put("channel", "thread:s1").put("data",
          new JsonObject().put("n", i).put("text", text)).encode()).status()).isEqualTo(202);
    }
    String lastToken = null;
    for (int i = 1; i <= 3; i++) {
      SseTestClient.Event a = one.next("message");
      SseTestClient.Event b = alsoOne.next("message");
      SseTestClient.Event c = several.next("message");
      String id = a.json().getString("id");
      for (SseTestClient.Event e : List.of(a, b, c)) {
        assertThat(e.json().getJsonObject("data").getInteger("n")).isEqualTo(i);
        assertThat(e.json().getJsonObject("data").getString("text")).isEqualTo(text);
        assertThat(e.json().getString("id")).isEqualTo(id);
      }
      assertThat(ResumeToken.decode(a.id())).containsExactly(Map.entry("thread:s1", id));
      assertThat(b.id()).isEqualTo(a.id());
      assertThat(ResumeToken.decode(c.id())).containsOnlyKeys("forum:s2", "thread:s1")
          .containsEntry("thread:s1", id);
      lastToken = a.id();
    }
    publish(http, "thread:s1", 4);
    SseTestClient resumed = connect("/sse?channels=thread:s1", lastToken);
    assertThat(resumed.next("message").json().getInteger("data")).isEqualTo(4);
  }

  @Test
  void drainEndsEveryStreamWithDisconnectThenTheResponsesEnd() {
    SseTestClient one = connect("/sse?channels=thread:d1", null);
    SseTestClient several = connect("/sse?channels=thread:d1,forum:d2", null);
    one.next("subscribed");
    several.next("subscribed");
    Await.of(node.drain(500), 30);
    for (SseTestClient c : List.of(one, several)) {
      assertThat(c.next("disconnect").json().getString("code")).isEqualTo("shutdown");
      c.awaitEnd();
    }
  }

  @Test
  void http2StreamsCarryTheSameEvents() {
    HttpClientOptions h2 = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false);
    SseTestClient c = SseTestClient.connect(vertx, h2, node.port(), "/sse?channels=thread:h2", null, null);
    clients.add(c);
    assertThat(c.response().version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(c.response().getHeader("Content-Type")).startsWith("text/event-stream");
    assertThat(c.next("subscribed").json().getString("channel")).isEqualTo("thread:h2");
    publish(http, "thread:h2", 1);
    SseTestClient.Event m = c.next("message");
    assertThat(m.json().getInteger("data")).isEqualTo(1);
    assertThat(ResumeToken.decode(m.id())).containsExactly(Map.entry("thread:h2", m.json().getString("id")));
    Await.of(node.drain(500), 30);
    assertThat(c.next("disconnect").json().getString("code")).isEqualTo("shutdown");
  }

  @Test
  void vertxHttpMetricsSeeAStreamAsARequestUntilItCloses() {
    Scrape first = scrape();
    assertThat(first.has("vertx_http_server_active_requests")).isTrue();
    double before = first.sum("vertx_http_server_active_requests"); // the scrape itself
    double connectionsBefore = first.sum("vertx_http_server_active_connections");
    List<SseTestClient> streams = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      SseTestClient c = connect("/sse?channels=thread:v" + i, null);
      c.next("subscribed");
      streams.add(c);
    }
    assertThat(scrape().sum("vertx_http_server_active_requests")).isEqualTo(before + 3);
    streams.forEach(SseTestClient::drop);
    Eventually.within(10, () -> {
      Scrape after = scrape();
      assertThat(after.sum("vertx_http_server_active_requests")).isEqualTo(before);
      assertThat(after.sum("vertx_http_server_active_connections")).isEqualTo(connectionsBefore);
      assertThat(after.value("herald_transport_connections", "transport", "sse")).isZero();
    });
  }

  // --- the rules of /ws: tokens, admission, metrics ---

  @Test
  void privateChannelIsRefusedWithoutATokenAndOpenWithOne() {
    SseTestClient anonymous = connect("/sse?channels=thread:1,user:7", null);
    SseTestClient.Event refused = anonymous.next("error");
    assertThat(refused.json().getString("code")).isEqualTo("forbidden");
    assertThat(refused.json().getString("channel")).isEqualTo("user:7");
    SseTestClient owner = connect("/sse?channels=user:7&token=" + Tokens.forUser("7", 60), null);
    assertThat(owner.next("subscribed").json().getString("channel")).isEqualTo("user:7");
    publish(http, "user:7", 7);
    publish(http, "thread:1", 1);
    assertThat(owner.next("message").json().getInteger("data")).isEqualTo(7);
    assertThat(anonymous.next("message").json().getInteger("data")).isEqualTo(1);
  }

  @Test
  void overBudgetStreamIsRefusedWith503AndRetryAfter() {
    // A node of its own, on a Vert.x of its own (a Vert.x carries one node's codecs).
    Vertx other = Vertx.vertx();
    HeraldNode small = TestNodes.start(other, TestNodes.memory()
        .put("limits", new JsonObject().put("newConnectionsPerSecond", 1)));
    try {
      SseTestClient ok = SseTestClient.connect(vertx, small.port(), "/sse?channels=thread:1", null, null);
      clients.add(ok);
      ok.next("subscribed");
      SseTestClient refused = SseTestClient.connect(vertx, small.port(), "/sse?channels=thread:1", null, null);
      clients.add(refused);
      assertThat(refused.response().statusCode()).isEqualTo(503);
      assertThat(Long.parseLong(refused.response().getHeader("Retry-After"))).isPositive();
    } finally {
      clients.forEach(SseTestClient::close);
      clients.clear();
      Await.of(small.stop(0), 30);
      Await.of(other.close(), 30);
    }
  }

  @Test
  void streamsAndDeliveriesAreCounted() {
    SseTestClient c = connect("/sse?channels=thread:m1", null);
    c.next("subscribed");
    publish(http, "thread:m1", 1);
    publish(http, "thread:m1", 2);
    c.next("message");
    c.next("message");
    Scrape open = scrape();
    assertThat(open.value("herald_transport_connections", "transport", "sse")).isEqualTo(1);
    assertThat(open.value("herald_transport_connections_opened_total", "transport", "sse")).isEqualTo(1);
    assertThat(open.value("herald_delivery_messages_total")).isEqualTo(2);
    assertThat(open.value("herald_delivery_latency_seconds_count")).isEqualTo(2);
    c.drop();
    Eventually.within(10, () -> {
      Scrape after = scrape();
      assertThat(after.value("herald_transport_connections", "transport", "sse")).isZero();
      assertThat(after.value("herald_transport_connections_closed_total", "transport", "sse")).isEqualTo(1);
    });
  }

  private Scrape scrape() {
    return Scrape.of(http);
  }
}
