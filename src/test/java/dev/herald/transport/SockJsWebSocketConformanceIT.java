package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.Http;
import dev.herald.testing.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket part of the SockJS protocol on the conformance services (the public suite's hybi-13 and raw
 * WebSocket cases): the session's open frame, echo, the close frame of {@code /close}, a broken JSON frame ending
 * the session, raw WebSocket echo, and the HTTP errors of a websocket URL used without an upgrade.
 */
class SockJsWebSocketConformanceIT {

  private Vertx vertx;
  private HeraldNode node;
  private WebSocketClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    node = TestNodes.start(vertx, TestNodes.memory().put("sockjs", new JsonObject().put("conformance", true)));
    client = vertx.createWebSocketClient();
  }

  @AfterEach
  void stop() {
    Await.of(client.close(), 10);
    Await.of(node.stop(0), 30);
    Await.of(vertx.close(), 30);
  }

  /** A WebSocket whose text frames and close are recorded from the first frame on. */
  private final class Socket {
    final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
    final AtomicBoolean closed = new AtomicBoolean();
    final WebSocket ws;

    Socket(String path) {
      ws = Await.built(vertx, () -> client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
          .setURI(path)).map(w -> {
            w.textMessageHandler(frames::add);
            w.closeHandler(v -> closed.set(true));
            return w;
          }), 10);
    }

    String next() throws InterruptedException {
      String f = frames.poll(10, TimeUnit.SECONDS);
      assertThat(f).as("a frame within 10 s").isNotNull();
      return f;
    }

    void awaitClosed() throws InterruptedException {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!closed.get() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(closed).as("closed by the server").isTrue();
    }
  }

  @Test
  void sessionOpensEchoesAndKeepsOrder() throws Exception {
    Socket s = new Socket("/echo/000/ws1/websocket");
    assertThat(s.next()).isEqualTo("o");
    s.ws.writeTextMessage("[\"a\"]");
    assertThat(s.next()).isEqualTo("a[\"a\"]");
    s.ws.writeTextMessage("[\"b\",\"c\"]");
    String rest = s.next();
    // Two messages may come as one frame or two; their order may not change.
    if (rest.equals("a[\"b\"]")) {
      assertThat(s.next()).isEqualTo("a[\"c\"]");
    } else {
      assertThat(rest).isEqualTo("a[\"b\",\"c\"]");
    }
    Await.of(s.ws.close(), 10);
  }

  @Test
  void closeServiceSendsGoAwayAndCloses() throws Exception {
    Socket s = new Socket("/close/000/ws2/websocket");
    assertThat(s.next()).isEqualTo("o");
    assertThat(s.next()).isEqualTo("c[3000,\"Go away!\"]");
    s.awaitClosed();
  }

  @Test
  void brokenJsonEndsTheSession() throws Exception {
    Socket s = new Socket("/echo/000/ws3/websocket");
    assertThat(s.next()).isEqualTo("o");
    s.ws.writeTextMessage("[\"a");
    s.awaitClosed();
  }

  @Test
  void emptyFrameIsIgnored() throws Exception {
    Socket s = new Socket("/echo/000/ws4/websocket");
    assertThat(s.next()).isEqualTo("o");
    s.ws.writeTextMessage("");
    s.ws.writeTextMessage("[\"a\"]");
    assertThat(s.next()).isEqualTo("a[\"a\"]");
    Await.of(s.ws.close(), 10);
  }

  @Test
  void rawWebSocketEchoes() throws Exception {
    Socket s = new Socket("/echo/websocket");
    s.ws.writeTextMessage("Hello world!\uffff");
    assertThat(s.next()).isEqualTo("Hello world!\uffff");
    Await.of(s.ws.close(), 10);
  }

  @Test
  void rawWebSocketOfTheCloseServiceCloses() throws Exception {
    Socket s = new Socket("/close/websocket");
    s.awaitClosed();
  }

  @Test
  void websocketUrlWithoutAnUpgradeIsAnHttpError() {
    try (Http http = new Http(vertx, node.port())) {
      Http.Reply get = http.request(HttpMethod.GET, "/echo/000/ws5/websocket", null, null);
      assertThat(get.status()).isEqualTo(400);
      assertThat(get.body()).isEqualTo("Can \"Upgrade\" only to \"WebSocket\".");
      assertThat(http.request(HttpMethod.POST, "/echo/000/ws6/websocket", null, null).status()).isEqualTo(405);
    }
  }
}
