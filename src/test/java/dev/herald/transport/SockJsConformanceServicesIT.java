package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.Http;
import dev.herald.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SockJS protocol suite's services, mounted with {@code sockjs.conformance}, and only then. */
class SockJsConformanceServicesIT {

  private Vertx vertx;
  private HeraldNode node;
  private Http http;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    node = TestNodes.start(vertx, TestNodes.memory().put("sockjs", new JsonObject().put("conformance", true)));
    http = new Http(vertx, node.port());
  }

  @AfterEach
  void stop() {
    http.close();
    Await.of(node.stop(0), 30);
    Await.of(vertx.close(), 30);
  }

  @Test
  void echoEchoesOverXhrPolling() {
    String base = "/echo/000/e1/";
    assertThat(http.post(base + "xhr", null).body()).isEqualTo("o\n");
    assertThat(http.post(base + "xhr_send", "[\"a\",\"" + "b".repeat(20_000) + "\"]").status()).isEqualTo(204);
    assertThat(http.post(base + "xhr", null).body()).isEqualTo("a[\"a\",\"" + "b".repeat(20_000) + "\"]\n");
  }

  @Test
  void jsonpSendTakesSixtyKibForms() {
    String base = "/echo/000/j1/";
    String big = "y".repeat(60 * 1024);
    assertThat(http.get(base + "jsonp?c=cb").body()).contains("cb(\"o\")");
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(node.port())
        .setURI(base + "jsonp_send").putHeader("Content-Type", "application/x-www-form-urlencoded");
    HttpClient client = vertx.createHttpClient();
    try {
      String form = "d=" + java.net.URLEncoder.encode("[\"" + big + "\"]", java.nio.charset.StandardCharsets.UTF_8);
      Http.Reply sent = Await.built(vertx, () -> client.request(o).compose(r -> r.send(form))
          .compose(r -> r.body().map(b -> new Http.Reply(r.statusCode(), b.toString()))), 10);
      assertThat(sent.status()).isEqualTo(200);
      assertThat(sent.body()).isEqualTo("ok");
    } finally {
      Await.of(client.close(), 5);
    }
    assertThat(http.get(base + "jsonp?c=cb").body()).contains(big);
  }

  @Test
  void closeClosesWithGoAway() {
    assertThat(http.post("/close/000/c1/xhr", null).body()).isEqualTo("o\n");
    assertThat(http.post("/close/000/c1/xhr", null).body()).isEqualTo("c[3000,\"Go away!\"]\n");
  }

  @Test
  void websocketIsOffOnlyWhereTheSuiteWantsIt() {
    assertThat(http.get("/disabled_websocket_echo/info").json().getBoolean("websocket")).isFalse();
    assertThat(http.get("/echo/info").json().getBoolean("websocket")).isTrue();
    assertThat(http.get("/echo/info").json().getBoolean("cookie_needed")).isFalse();
    assertThat(http.get("/cookie_needed_echo/info").json().getBoolean("cookie_needed")).isTrue();
  }

  @Test
  void cookieNeededEchoSetsJsessionid() {
    HttpClient client = vertx.createHttpClient();
    try {
      String cookie = Await.built(vertx, () -> client.request(new RequestOptions().setMethod(HttpMethod.POST)
          .setHost("127.0.0.1")
          .setPort(node.port()).setURI("/cookie_needed_echo/000/k1/xhr")).compose(r -> r.send())
          .compose(r -> r.body().map(b -> r.getHeader("Set-Cookie"))), 10);
      assertThat(cookie).startsWith("JSESSIONID=dummy");
    } finally {
      Await.of(client.close(), 5);
    }
  }

  @Test
  void servicesAreAbsentWithoutTheFlag() {
    Vertx other = Vertx.vertx();
    HeraldNode plain = TestNodes.start(other, TestNodes.memory());
    Http h = new Http(other, plain.port());
    try {
      assertThat(h.get("/echo/info").status()).isEqualTo(404);
    } finally {
      h.close();
      Await.of(plain.stop(0), 30);
      Await.of(other.close(), 30);
    }
  }
}
