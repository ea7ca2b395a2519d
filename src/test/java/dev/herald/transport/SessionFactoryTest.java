package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.security.Admission;
import dev.herald.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP answer to a refused connection, as SSE and long-poll transports send it. */
class SessionFactoryTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    Await.of(vertx.close(), 10);
  }

  private record Answer(int status, String retryAfter, JsonObject body) {
  }

  private Answer refuse(Admission.Result refusal) {
    HttpServer server = Await.of(vertx.createHttpServer()
        .requestHandler(req -> SessionFactory.refuse(req.response(), refusal)).listen(0, "127.0.0.1"), 10);
    HttpClient client = vertx.createHttpClient();
    try {
      // Built on an event loop, so the body handler is attached before the response can end.
      return Await.built(vertx, () -> client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/sse")
          .compose(req -> req.send()).compose(resp -> resp.body()
              .map(b -> new Answer(resp.statusCode(), resp.getHeader("Retry-After"), b.toJsonObject()))), 10);
    } finally {
      Await.of(client.close(), 5);
      Await.of(server.close(), 5);
    }
  }

  @Test
  void overloadedIs503WithRetryAfterRoundedUp() {
    Answer a = refuse(new Admission.Overloaded(1500));
    assertThat(a.status()).isEqualTo(503);
    assertThat(a.retryAfter()).isEqualTo("2");
    assertThat(a.body().getLong("retryAfterMs")).isEqualTo(1500);
  }

  @Test
  void tooManyFromAddressIs429() {
    Answer a = refuse(new Admission.TooManyFromAddress(3));
    assertThat(a.status()).isEqualTo(429);
    assertThat(a.body().getString("error")).contains("3");
  }

  @Test
  void channelsParamSplitsAndTrims() {
    assertThat(SessionFactory.channelsParam(" a:1, ,b:2,")).isEqualTo(List.of("a:1", "b:2"));
    assertThat(SessionFactory.channelsParam(null)).isEmpty();
  }
}
