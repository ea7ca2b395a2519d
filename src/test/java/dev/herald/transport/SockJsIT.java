package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.Http;
import dev.herald.testing.Scrape;
import dev.herald.testing.TestNodes;
import dev.herald.testing.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SockJS at {@code /rt} on a real node: xhr-polling and websocket with 60 KiB messages, CORS, the local library, and
 * the rules of {@code /ws}: private channels need a token, admission, connection and delivery counters.
 */
class SockJsIT {

  private static final int BIG = 60 * 1024;

  private Vertx vertx;
  private HeraldNode node;
  private Http http;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    node = TestNodes.start(vertx, TestNodes.memory().put("transport", new JsonObject().put("heartbeatMs", 1000)));
    http = new Http(vertx, node.port());
  }

  @AfterEach
  void stop() {
    http.close();
    Await.of(node.stop(0), 30);
    Await.of(vertx.close(), 30);
  }

  private static String bigPublish(String channel) {
    return new JsonObject().put("channel", channel).put("type", "big").put("data", "x".repeat(BIG)).encode();
  }

  private static String subscribe(String channel) {
    return new JsonObject().put("op", "subscribe").put("channels", List.of(channel)).encode();
  }

  /** An xhr-polling SockJS session: each poll is one POST to {@code /xhr}, frames are queued as JSON. */
  private final class XhrSession {
    private final String base = "/rt/000/" + UUID.randomUUID().toString().replace("-", "") + "/";
    private final Deque<JsonObject> frames = new ArrayDeque<>();
    /** The query of the URL the client was given; sockjs-client repeats it on every request. */
    private final String query;

    XhrSession() {
      this("");
    }

    XhrSession(String query) {
      this.query = query;
    }

    String open() {
      return http.post(base + "xhr" + query, null).body();
    }

    /** One poll's raw body. */
    String poll() {
      return http.post(base + "xhr" + query, null).body();
    }

    void send(String frame) {
      Http.Reply r = http.post(base + "xhr_send" + query, new JsonArray().add(frame).encode());
      assertThat(r.status()).isEqualTo(204);
    }

    JsonObject nextOp(String op) {
      for (int polls = 0; polls < 20; polls++) {
        while (!frames.isEmpty()) {
          JsonObject f = frames.poll();
          if (op.equals(f.getString("op"))) {
            return f;
          }
        }
        String body = poll();
        if (body.startsWith("a")) {
          new JsonArray(body.substring(1).trim()).forEach(s -> frames.add(new JsonObject((String) s)));
        } else {
          assertThat(body).isEqualTo("h\n");
        }
      }
      throw new AssertionError("no " + op + " frame");
    }
  }

  @Test
  void jsonpPollingCarriesSixtyKibMessages() {
    String base = "/rt/000/" + UUID.randomUUID().toString().replace("-", "") + "/";
    assertThat(jsonp(base)).isEqualTo("o");
    Deque<JsonObject> frames = new ArrayDeque<>();
    // jsonp_send carries the frames as the form field d, as sockjs-client's form does.
    String form = "d=" + java.net.URLEncoder.encode(new JsonArray().add(subscribe("thread:jp")).encode(),
        java.nio.charset.StandardCharsets.UTF_8);
    io.vertx.core.http.HttpClient raw = vertx.createHttpClient();
    int sent = Await.built(vertx, () -> raw.request(new io.vertx.core.http.RequestOptions()
            .setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(node.port()).setURI(base + "jsonp_send")
            .putHeader("Content-Type", "application/x-www-form-urlencoded"))
        .compose(r -> r.send(form)).compose(r -> r.body().map(b -> r.statusCode())), 15);
    Await.of(raw.close(), 5);
    assertThat(sent).isEqualTo(200);
    assertThat(http.post("/api/publish", bigPublish("thread:jp")).status()).isEqualTo(202);
    JsonObject message = null;
    for (int polls = 0; polls < 20 && message == null; polls++) {
      String body = jsonp(base);
      if (body.startsWith("a")) {
        new JsonArray(body.substring(1)).forEach(f -> frames.add(new JsonObject((String) f)));
      }
      while (!frames.isEmpty() && message == null) {
        JsonObject f = frames.poll();
        message = "message".equals(f.getString("op")) ? f : null;
      }
    }
    assertThat(message).as("a message frame over jsonp-polling").isNotNull();
    assertThat(message.getString("data")).hasSize(BIG);
  }

  /** One jsonp poll: the SockJS frame carried as the string argument of the callback. */
  private String jsonp(String base) {
    String body = http.get(base + "jsonp?c=cb").body();
    int open = body.indexOf("cb(");
    int close = body.lastIndexOf(");");
    assertThat(open).as(body).isNotNegative();
    return (String) io.vertx.core.json.Json.decodeValue(body.substring(open + 3, close));
  }

  @Test
  void xhrPollingCarriesTheWsFramesAndSixtyKibMessages() {
    XhrSession s = new XhrSession();
    assertThat(s.open()).isEqualTo("o\n");
    assertThat(s.nextOp("hello").getInteger("version")).isEqualTo(1);
    s.send(subscribe("thread:s1"));
    assertThat(s.nextOp("subscribed").getString("channel")).isEqualTo("thread:s1");
    assertThat(http.post("/api/publish", bigPublish("thread:s1")).status()).isEqualTo(202);
    JsonObject m = s.nextOp("message");
    assertThat(m.getString("data")).hasSize(BIG);
    s.send(new JsonObject().put("op", "ping").encode());
    assertThat(s.nextOp("pong")).isNotNull();
  }

  @Test
  void websocketCarriesSixtyKibMessages() throws Exception {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
        .setMaxMessageSize(1 << 21));
    LinkedBlockingQueue<String> raw = new LinkedBlockingQueue<>();
    WebSocket ws = Await.built(vertx, () -> client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
        .setURI("/rt/000/" + UUID.randomUUID().toString().replace("-", "") + "/websocket")).map(w -> {
          w.textMessageHandler(raw::add);
          return w;
        }), 10);
    try {
      assertThat(raw.poll(10, TimeUnit.SECONDS)).isEqualTo("o");
      Deque<JsonObject> frames = new ArrayDeque<>();
      Await.of(ws.writeTextMessage(new JsonArray().add(subscribe("thread:s2")).encode()), 10);
      assertThat(nextOp(raw, frames, "subscribed").getString("channel")).isEqualTo("thread:s2");
      assertThat(http.post("/api/publish", bigPublish("thread:s2")).status()).isEqualTo(202);
      assertThat(nextOp(raw, frames, "message").getString("data")).hasSize(BIG);
    } finally {
      Await.of(ws.close(), 5);
      Await.of(client.close(), 5);
    }
  }

  private static JsonObject nextOp(LinkedBlockingQueue<String> raw, Deque<JsonObject> frames, String op)
      throws InterruptedException {
    for (int i = 0; i < 50; i++) {
      while (!frames.isEmpty()) {
        JsonObject f = frames.poll();
        if (op.equals(f.getString("op"))) {
          return f;
        }
      }
      String text = raw.poll(10, TimeUnit.SECONDS);
      assertThat(text).isNotNull();
      if (text.startsWith("a")) {
        new JsonArray(text.substring(1)).forEach(s -> frames.add(new JsonObject((String) s)));
      }
    }
    throw new AssertionError("no " + op + " frame");
  }

  /** A streaming SockJS transport: everything the server sent so far, as text. */
  private final class Stream {
    private final StringBuffer text = new StringBuffer();
    private final HttpClient client = vertx.createHttpClient();
    private final String base = "/rt/000/" + UUID.randomUUID().toString().replace("-", "") + "/";

    Stream(HttpMethod method, String transport) {
      RequestOptions o = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(node.port())
          .setURI(base + transport);
      // Handlers are set as the head arrives, so no early frame is missed (see Await.built).
      Await.built(vertx, () -> client.request(o).compose(r -> r.send()).map(resp -> {
        resp.handler(b -> text.append(b.toString()));
        resp.exceptionHandler(e -> { });
        return resp;
      }), 10);
    }

    void waitFor(String part) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (text.indexOf(part) < 0) {
        assertThat(System.nanoTime()).as("waiting for " + part).isLessThan(deadline);
        synchronized (this) {
          wait(20);
        }
      }
    }

    void send(String frame) {
      assertThat(http.post(base + "xhr_send", new JsonArray().add(frame).encode()).status()).isEqualTo(204);
    }

    void close() {
      Await.of(client.close(), 5);
    }
  }

  private void streamingTransportCarriesSixtyKib(HttpMethod method, String transport, String channel)
      throws InterruptedException {
    Stream s = new Stream(method, transport);
    try {
      s.waitFor("hello");
      s.send(subscribe(channel));
      s.waitFor("subscribed");
      assertThat(http.post("/api/publish", bigPublish(channel)).status()).isEqualTo(202);
      s.waitFor("x".repeat(BIG));
    } finally {
      s.close();
    }
  }

  /** As the SockJS protocol suite's test_abort_xhr_polling, several times: the next poll must never hang. */
  @Test
  void pollAfterAnAbortedPollIsAnsweredAtOnce() {
    HttpClient aborting = vertx.createHttpClient();
    try {
      int aborted = 0;
      for (int attempt = 0; attempt < 12 && aborted < 4; attempt++) {
        XhrSession s = new XhrSession();
        assertThat(s.open()).isEqualTo("o\n");
        assertThat(s.nextOp("hello")).isNotNull();
        io.vertx.core.http.HttpClientRequest held = Await.of(aborting.request(HttpMethod.POST, node.port(),
            "127.0.0.1", s.base + "xhr"), 10);
        Await.of(held.end(), 5);
        // Only once the server holds that poll does a second one get 2010; otherwise try another session.
        if (!http.post(s.base + "xhr", null).body().equals("c[2010,\"Another connection still open\"]\n")) {
          Await.of(held.connection().close(), 5);
          continue;
        }
        Await.of(held.connection().close(), 5);
        assertThat(http.post(s.base + "xhr", null).body()).isIn("o\n", "c[1002,\"Connection interrupted\"]\n");
        aborted++;
      }
      assertThat(aborted).isEqualTo(4);
    } finally {
      Await.of(aborting.close(), 5);
    }
  }

  @Test
  void xhrStreamingCarriesSixtyKibMessages() throws InterruptedException {
    streamingTransportCarriesSixtyKib(HttpMethod.POST, "xhr_streaming", "thread:s3");
  }

  @Test
  void eventsourceCarriesSixtyKibMessages() throws InterruptedException {
    streamingTransportCarriesSixtyKib(HttpMethod.GET, "eventsource", "thread:s4");
  }

  @Test
  void htmlfileCarriesSixtyKibMessages() throws InterruptedException {
    streamingTransportCarriesSixtyKib(HttpMethod.GET, "htmlfile?c=callback", "thread:s5");
  }

  @Test
  void greetingIsAnsweredWithAndWithoutTheSlashOnly() {
    assertThat(http.get("/rt").body()).isEqualTo("Welcome to SockJS!\n");
    assertThat(http.get("/rt/").body()).isEqualTo("Welcome to SockJS!\n");
    assertThat(http.get("/rt//").status()).isEqualTo(404);
    assertThat(http.get("/rt/a").status()).isEqualTo(404);
  }

  @Test
  void iframePageLoadsTheBundledClient() {
    Http.Reply iframe = http.get("/rt/iframe.html");
    assertThat(iframe.status()).isEqualTo(200);
    assertThat(iframe.body()).contains("/rt-assets/sockjs.min.js").doesNotContain("cdn");
    Http.Reply lib = http.get("/rt-assets/sockjs.min.js");
    assertThat(lib.status()).isEqualTo(200);
    assertThat(lib.body()).contains("SockJS");
  }

  @Test
  void crossOriginEventsourceGetsCorsHeaders() {
    HttpClient client = vertx.createHttpClient();
    try {
      RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(node.port())
          .setURI("/rt/000/" + UUID.randomUUID().toString().replace("-", "") + "/eventsource")
          .putHeader("Origin", "http://other.test");
      HttpClientResponse resp = Await.of(client.request(o).compose(r -> r.send()), 10);
      // The stream is cut on purpose below.
      resp.exceptionHandler(e -> { });
      assertThat(resp.statusCode()).isEqualTo(200);
      assertThat(resp.getHeader("Access-Control-Allow-Origin")).isEqualTo("http://other.test");
      assertThat(resp.getHeader("Content-Type")).startsWith("text/event-stream");
      Await.of(resp.request().connection().close(), 5);
    } finally {
      Await.of(client.close(), 5);
    }
  }

  // --- the rules of /ws: tokens, admission, metrics ---

  @Test
  void privateChannelIsRefusedWithoutATokenAndOpenWithOneFromTheUrl() {
    XhrSession anonymous = new XhrSession();
    anonymous.open();
    anonymous.send(subscribe("user:7"));
    JsonObject refused = anonymous.nextOp("error");
    assertThat(refused.getString("code")).isEqualTo("forbidden");
    assertThat(refused.getString("channel")).isEqualTo("user:7");
    XhrSession owner = new XhrSession("?token=" + Tokens.forUser("7", 60));
    assertThat(owner.open()).isEqualTo("o\n");
    owner.send(subscribe("user:7"));
    assertThat(owner.nextOp("subscribed").getString("channel")).isEqualTo("user:7");
    assertThat(http.post("/api/publish", new JsonObject().put("channel", "user:7").put("data", 7).encode()).status())
        .isEqualTo(202);
    assertThat(owner.nextOp("message").getInteger("data")).isEqualTo(7);
  }

  @Test
  void overBudgetSessionIsToldToRetryThenClosed() {
    // A node of its own, on a Vert.x of its own (a Vert.x carries one node's codecs).
    Vertx other = Vertx.vertx();
    HeraldNode small = TestNodes.start(other, TestNodes.memory()
        .put("limits", new JsonObject().put("newConnectionsPerSecond", 1)));
    Http smallHttp = new Http(vertx, small.port());
    try {
      String ok = "/rt/000/" + UUID.randomUUID().toString().replace("-", "") + "/xhr";
      assertThat(smallHttp.post(ok, null).body()).isEqualTo("o\n");
      String refused = "/rt/000/" + UUID.randomUUID().toString().replace("-", "") + "/xhr";
      assertThat(smallHttp.post(refused, null).body()).isEqualTo("o\n");
      String frames = smallHttp.post(refused, null).body();
      assertThat(frames).startsWith("a");
      JsonObject d = new JsonObject(new JsonArray(frames.substring(1).trim()).getString(0));
      assertThat(d.getString("op")).isEqualTo("disconnect");
      assertThat(d.getString("code")).isEqualTo("overloaded");
      assertThat(d.getLong("retryAfterMs")).isPositive();
      assertThat(smallHttp.post(refused, null).body()).startsWith("c[");
    } finally {
      smallHttp.close();
      Await.of(small.stop(0), 30);
      Await.of(other.close(), 30);
    }
  }

  @Test
  void sessionsAndDeliveriesAreCounted() {
    XhrSession s = new XhrSession();
    s.open();
    s.send(subscribe("thread:m1"));
    s.nextOp("subscribed");
    assertThat(http.post("/api/publish", new JsonObject().put("channel", "thread:m1").put("data", 1).encode())
        .status()).isEqualTo(202);
    s.nextOp("message");
    Scrape scrape = Scrape.of(http);
    assertThat(scrape.value("herald_transport_connections", "transport", "sockjs")).isEqualTo(1);
    assertThat(scrape.value("herald_transport_connections_opened_total", "transport", "sockjs")).isEqualTo(1);
    assertThat(scrape.value("herald_delivery_messages_total")).isEqualTo(1);
    assertThat(scrape.value("herald_delivery_latency_seconds_count")).isEqualTo(1);
  }
}
