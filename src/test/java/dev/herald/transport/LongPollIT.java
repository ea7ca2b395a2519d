package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.message.Channel;
import dev.herald.testing.Await;
import dev.herald.testing.Eventually;
import dev.herald.testing.Http;
import dev.herald.testing.Scrape;
import dev.herald.testing.TestNodes;
import dev.herald.testing.WsTestClient;
import dev.herald.testing.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /poll} on a real node: immediate answers, empty answers on timeout, resume between polls, and the rules
 * of {@code /ws}: private channels need a token, admission, connection and delivery counters.
 */
class LongPollIT {

  private Vertx vertx;
  private HeraldNode node;
  private Http http;

  private void start(long pollTimeoutMs) {
    start(TestNodes.memory().put("transport", new JsonObject().put("pollTimeoutMs", pollTimeoutMs)));
  }

  private void start(JsonObject tree) {
    vertx = Vertx.vertx();
    node = TestNodes.start(vertx, tree);
    http = new Http(vertx, node.port());
  }

  @AfterEach
  void stop() {
    http.close();
    Await.of(node.stop(0), 30);
    Await.of(vertx.close(), 30);
  }

  private void publish(String channel, int n) {
    assertThat(http.post("/api/publish", new JsonObject().put("channel", channel).put("type", "n").put("data", n)
        .encode()).status()).isEqualTo(202);
  }

  private JsonObject poll(String query) {
    Http.Reply r = http.get("/poll?" + query);
    assertThat(r.status()).isEqualTo(200);
    return r.json();
  }

  private static List<Integer> data(JsonObject answer) {
    JsonArray messages = answer.getJsonArray("messages");
    return messages.stream().map(m -> ((JsonObject) m).getInteger("data")).toList();
  }

  @Test
  void pollWithNothingNewAnswersEmptyWithTheCurrentToken() {
    start(100);
    try (WsTestClient watcher = WsTestClient.connect(vertx, node.port(), "/ws?channels=thread:p0")) {
      watcher.nextOp("subscribed");
      publish("thread:p0", 1);
      // The 202 comes before the commit; "from now" must start after it, or the poll may rightly carry it.
      watcher.nextOp("message");
    }
    JsonObject first = poll("channels=thread:p0");
    assertThat(first.getJsonArray("messages")).isEmpty();
    String token = first.getString("since");
    assertThat(ResumeToken.decode(token)).containsOnlyKeys("thread:p0");
    JsonObject second = poll("channels=thread:p0&since=" + token);
    assertThat(second.getJsonArray("messages")).isEmpty();
    assertThat(second.getString("since")).isEqualTo(token);
  }

  @Test
  void pendingMessagesAreAnsweredAtOnceAndNothingIsLostBetweenPolls() {
    // A poll that waited would outlast the test client's 15 s limit.
    start(60_000);
    publish("thread:p1", 0);
    Http quick = http;
    String token = ResumeToken.encode(List.of(Channel.parse("thread:p1")), Map.of());
    JsonObject all = poll("channels=thread:p1&since=" + token);
    assertThat(data(all)).containsExactly(0);
    token = all.getString("since");
    try (WsTestClient watcher = WsTestClient.connect(vertx, node.port(), "/ws?channels=thread:p1")) {
      watcher.nextOp("subscribed");
      for (int i = 1; i <= 3; i++) {
        publish("thread:p1", i);
      }
      // The 202 comes before the commit: the poll below must find all three committed.
      for (int i = 1; i <= 3; i++) {
        watcher.nextOp("message");
      }
    }
    JsonObject next = poll("channels=thread:p1&since=" + token);
    assertThat(data(next)).containsExactly(1, 2, 3);
    assertThat(next.getJsonArray("messages").getJsonObject(0).getString("op")).isEqualTo("message");
    publish("thread:p1", 4);
    JsonObject last = quick.get("/poll?since=" + next.getString("since")).json();
    assertThat(data(last)).containsExactly(4);
  }

  @Test
  void waitingPollAnswersTheFirstMessage() {
    start(60_000);
    publish("thread:p2", 1);
    publish("forum:p2", 1);
    String fromStart = ResumeToken.encode(List.of(Channel.parse("thread:p2"), Channel.parse("forum:p2")), Map.of());
    // Each channel's history may come in its own batch: poll on until both arrived.
    List<Integer> seen = new ArrayList<>();
    String token = fromStart;
    for (int polls = 0; seen.size() < 2 && polls < 2; polls++) {
      JsonObject answer = Await.of(get("/poll?channels=thread:p2,forum:p2&since=" + token), 15);
      seen.addAll(data(answer));
      token = answer.getString("since");
    }
    assertThat(seen).containsExactly(1, 1);
    assertThat(ResumeToken.decode(token)).containsOnlyKeys("thread:p2", "forum:p2")
        .doesNotContainValue(ResumeToken.FROM_START);
    Future<JsonObject> waiting = get("/poll?channels=thread:p2,forum:p2&since=" + token);
    publish("forum:p2", 2);
    JsonObject answer = Await.of(waiting, 15);
    assertThat(data(answer)).containsExactly(2);
    assertThat(ResumeToken.decode(answer.getString("since"))).containsEntry("forum:p2",
        answer.getJsonArray("messages").getJsonObject(0).getString("id"))
        .containsEntry("thread:p2", ResumeToken.decode(token).get("thread:p2"));
  }

  @Test
  void pollWithoutChannelsOrWithABadOneIsRefused() {
    start(100);
    assertThat(http.get("/poll").status()).isEqualTo(400);
    Http.Reply bad = http.get("/poll?channels=thread:1,Bad%20Channel");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getString("channel")).isEqualTo("Bad Channel");
  }

  private Future<JsonObject> get(String path) {
    HttpClient client = vertx.createHttpClient();
    // body() is attached in the step that sends, on the event loop, before any of the answer is handled.
    return client.request(HttpMethod.GET, node.port(), "127.0.0.1", path)
        .compose(r -> r.send().compose(resp -> resp.body())).map(b -> b.toJsonObject())
        .eventually(() -> client.close());
  }

  // --- the rules of /ws: tokens, admission, metrics ---

  @Test
  void privateChannelIsNamedInErrorsWithoutATokenAndPolledWithOne() {
    // A poll that waited for a message would outlast the test client's 15 s limit: the error answers at once.
    start(60_000);
    JsonObject refused = poll("channels=thread:1,user:7");
    assertThat(refused.getJsonArray("messages")).isEmpty();
    JsonObject error = refused.getJsonArray("errors").getJsonObject(0);
    assertThat(error.getString("op")).isEqualTo("error");
    assertThat(error.getString("code")).isEqualTo("forbidden");
    assertThat(error.getString("channel")).isEqualTo("user:7");
    assertThat(ResumeToken.decode(refused.getString("since"))).containsOnlyKeys("thread:1");
    publish("user:7", 7);
    String fromStart = ResumeToken.encode(List.of(Channel.parse("user:7")), Map.of());
    JsonObject owner = poll("channels=user:7&since=" + fromStart + "&token=" + Tokens.forUser("7", 60));
    assertThat(data(owner)).containsExactly(7);
    assertThat(owner.containsKey("errors")).isFalse();
  }

  @Test
  void overBudgetPollIsRefusedWith503AndRetryAfter() {
    start(TestNodes.memory().put("transport", new JsonObject().put("pollTimeoutMs", 100))
        .put("limits", new JsonObject().put("newConnectionsPerSecond", 1)));
    assertThat(http.get("/poll?channels=thread:1").status()).isEqualTo(200);
    HttpClient client = vertx.createHttpClient();
    HttpClientResponse refused = Await.built(vertx, () -> client.request(HttpMethod.GET, node.port(), "127.0.0.1",
        "/poll?channels=thread:1").compose(r -> r.send()).compose(r -> r.body().map(b -> r)), 15);
    Await.of(client.close(), 5);
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(Long.parseLong(refused.getHeader("Retry-After"))).isPositive();
  }

  @Test
  void pollsAndDeliveriesAreCountedOncePerRequest() {
    start(60_000);
    publish("thread:m1", 1);
    publish("thread:m1", 2);
    String fromStart = ResumeToken.encode(List.of(Channel.parse("thread:m1")), Map.of());
    List<Integer> seen = new ArrayList<>();
    int polls = 0;
    String token = fromStart;
    while (seen.size() < 2) {
      JsonObject answer = poll("channels=thread:m1&since=" + token);
      seen.addAll(data(answer));
      token = answer.getString("since");
      polls++;
    }
    int requests = polls;
    Eventually.within(10, () -> {
      Scrape s = Scrape.of(http);
      assertThat(s.value("herald_transport_connections_opened_total", "transport", "longpoll")).isEqualTo(requests);
      assertThat(s.value("herald_transport_connections_closed_total", "transport", "longpoll")).isEqualTo(requests);
      assertThat(s.value("herald_transport_connections", "transport", "longpoll")).isZero();
      assertThat(s.value("herald_delivery_messages_total")).isEqualTo(2);
    });
  }
}
