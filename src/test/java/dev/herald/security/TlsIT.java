package dev.herald.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.HeraldNode;
import dev.herald.config.ConfigException;
import dev.herald.testing.Await;
import dev.herald.testing.SseTestClient;
import dev.herald.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code http.tls}: the node serves HTTPS, WSS and SSE over TLS on its port from PEM files. */
class TlsIT {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    Await.of(vertx.close());
  }

  @Test
  void nodeServesWssSseAndHttpsWithPemFiles() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    JsonObject tree = TestNodes.memory();
    tree.getJsonObject("http").put("tls", new JsonObject().put("keyPath", cert.privateKeyPath())
        .put("certPath", cert.certificatePath()));
    HeraldNode node = TestNodes.start(vertx, tree);
    WebSocketClient wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true)
        .setTrustAll(true).setVerifyHost(false));
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true)
        .setVerifyHost(false));
    SseTestClient sse = null;
    try {
      // The SSE stream leaves Vert.x after its head, as /ws does: TLS stays on its channel.
      sse = SseTestClient.connect(vertx, new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false),
          node.port(), "/sse?channels=thread:tls", null, null);
      assertThat(sse.next("subscribed").json().getString("channel")).isEqualTo("thread:tls");
      LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
      WebSocket ws = Await.built(vertx, () -> wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
          .setPort(node.port()).setURI("/ws?channels=thread:tls")).map(w -> {
            w.textMessageHandler(t -> frames.add(new JsonObject(t)));
            return w;
          }), 10);
      assertThat(frames.poll(10, TimeUnit.SECONDS).getString("op")).isEqualTo("hello");
      assertThat(frames.poll(10, TimeUnit.SECONDS).getString("op")).isEqualTo("subscribed");
      int status = Await.of(http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
              .setPort(node.port()).setURI("/api/publish")
              .putHeader("Authorization", "Bearer " + TestNodes.PUBLISH_KEY))
          .compose(r -> r.send(Buffer.buffer("{\"channel\":\"thread:tls\",\"data\":1}")))
          .map(r -> r.statusCode()));
      assertThat(status).isEqualTo(202);
      assertThat(frames.poll(10, TimeUnit.SECONDS).getString("op")).isEqualTo("message");
      assertThat(sse.next("message").json().getInteger("data")).isEqualTo(1);
      Await.of(ws.close());
    } finally {
      if (sse != null) {
        sse.close();
      }
      Await.of(wsClient.close());
      Await.of(http.close());
      Await.of(node.stop(0));
    }
  }

  @Test
  void halfATlsConfigurationIsRejected() {
    JsonObject tree = TestNodes.memory();
    tree.getJsonObject("http").put("tls", new JsonObject().put("keyPath", "/nonexistent/key.pem"));
    assertThatThrownBy(() -> TestNodes.config(tree)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.tls.certPath must be set together");
  }
}
