package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.Http;
import dev.herald.testing.TestNodes;
import dev.herald.testing.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JS client and the demo thread: page, same-origin posting through the real pipeline, stats. */
class DemoIT {

  private Vertx vertx;
  private HeraldNode node;
  private Http http;
  private HttpClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    node = TestNodes.start(vertx, TestNodes.memory());
    http = new Http(vertx, node.port());
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    Await.of(client.close(), 5);
    http.close();
    Await.of(node.stop(0), 30);
    Await.of(vertx.close(), 30);
  }

  private Http.Reply post(String origin, String body) {
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(node.port())
        .setURI("/demo/post").putHeader("Content-Type", "application/json");
    if (origin != null) {
      o.putHeader("Origin", origin);
    }
    return Await.built(vertx, () -> client.request(o).compose(r -> r.send(Buffer.buffer(body)))
        .compose(r -> r.body().map(b -> new Http.Reply(r.statusCode(), b.toString()))), 10);
  }

  @Test
  void pageAndClientAreServed() {
    Http.Reply js = http.get("/herald.js");
    assertThat(js.status()).isEqualTo(200);
    assertThat(js.body()).contains("Herald").contains("retryAfterMs").contains("/rt-assets/sockjs.min.js");
    Http.Reply page = http.get("/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("/herald.js").contains("thread:demo").contains("/demo/post");
  }

  @Test
  void sameOriginPostReachesTheDemoThreadWithMillisecondTimestamp() {
    WsTestClient sub = WsTestClient.connect(vertx, node.port(), "/ws?channels=thread:demo");
    try {
      sub.nextOp("subscribed");
      assertThat(http.get("/demo/stats").json().getInteger("clients")).isEqualTo(1);
      String self = "http://127.0.0.1:" + node.port();
      Http.Reply r = post(self, new JsonObject().put("name", "Ann").put("message", "hi <script>x</script>")
          .put("thread", "42").encode());
      assertThat(r.status()).isEqualTo(202);
      JsonObject m = sub.nextOp("message");
      JsonObject data = m.getJsonObject("data");
      assertThat(data.getString("thread")).isEqualTo("demo");
      assertThat(data.getJsonObject("author").getString("name")).isEqualTo("Ann");
      assertThat(data.getString("message")).doesNotContain("<script>");
      assertThat(data.getString("createdAt")).matches(".*\\.\\d{3}Z");
      assertThat(Instant.parse(data.getString("createdAt"))).isNotNull();
    } finally {
      sub.close();
    }
  }

  @Test
  void statsCountedOnEveryLoopAreAnsweredOnTheRequestsOwnLoop() {
    // A connection each: the node's loops take new connections in turn, so each loop answers some of them, and
    // the last loop to count is often not the request's (the server writes a response only on its own loop).
    for (int i = 0; i < 8; i++) {
      try (Http fresh = new Http(vertx, node.port())) {
        assertThat(fresh.get("/demo/stats").status()).as("request %d", i).isEqualTo(200);
      }
    }
  }

  @Test
  void crossOriginOrOriginlessOrInvalidPostsAreRefused() {
    String body = new JsonObject().put("name", "Ann").put("message", "hi").encode();
    assertThat(post("http://evil.test", body).status()).isEqualTo(403);
    assertThat(post(null, body).status()).isEqualTo(403);
    String self = "http://127.0.0.1:" + node.port();
    assertThat(post(self, new JsonObject().put("name", "").put("message", "hi").encode()).status()).isEqualTo(400);
    assertThat(post(self, new JsonObject().put("name", "Ann").encode()).status()).isEqualTo(400);
    assertThat(post(self, "not json").status()).isEqualTo(400);
  }

  @Test
  void demoIsAbsentWhenDisabled() {
    Vertx other = Vertx.vertx();
    HeraldNode off = TestNodes.start(other, TestNodes.memory().put("demo", new JsonObject().put("enabled", false)));
    Http h = new Http(other, off.port());
    try {
      assertThat(h.get("/").status()).isEqualTo(404);
      assertThat(h.get("/demo/stats").status()).isEqualTo(404);
      assertThat(h.get("/herald.js").status()).isEqualTo(200);
    } finally {
      h.close();
      Await.of(off.stop(0), 30);
      Await.of(other.close(), 30);
    }
  }
}
