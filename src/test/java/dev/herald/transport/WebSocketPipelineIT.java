package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.Http;
import dev.herald.testing.TestNodes;
import dev.herald.testing.Tokens;
import dev.herald.testing.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole single-node pipeline: HTTP in, formatter, history, WebSocket out. Runs on the memory engine here and
 * on Redis in {@link RedisWebSocketPipelineIT}.
 */
class WebSocketPipelineIT {

  protected Vertx vertx;
  protected HeraldNode node;
  protected Http http;
  private final List<WsTestClient> clients = new ArrayList<>();

  /** The node's settings. */
  protected JsonObject tree() {
    return TestNodes.memory();
  }

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    node = TestNodes.start(vertx, tree());
    http = new Http(vertx, node.port());
  }

  @AfterEach
  void stop() {
    clients.forEach(WsTestClient::close);
    http.close();
    Await.of(node.stop(0), 30);
    Await.of(vertx.close(), 30);
  }

  protected WsTestClient connect(String path) {
    WsTestClient c = WsTestClient.connect(vertx, node.port(), path);
    clients.add(c);
    return c;
  }

  static String post(String id, String thread, String html) {
    return new JsonObject().put("id", id).put("forum", "tech").put("thread", thread)
        .put("author", new JsonObject().put("id", "u7").put("name", "Ann")).put("message", html)
        .put("createdAt", "2026-11-21T10:00:00Z").encode();
  }

  @Test
  void postReachesEachOfItsFourChannelsOnceSanitized() {
    List<WsTestClient> subs = new ArrayList<>();
    for (String ch : List.of("forum:tech", "thread:42", "user:u7", "post:p1")) {
      // user:u7 is private: its reader shows a token for subscriber u7.
      WsTestClient c = connect("/ws?channels=" + ch + (ch.startsWith("user:") ? "&token=" + Tokens.forUser("u7", 60) : ""));
      assertThat(c.nextOp("hello").getInteger("version")).isEqualTo(1);
      JsonObject subscribed = c.nextOp("subscribed");
      assertThat(subscribed.getString("channel")).isEqualTo(ch);
      assertThat(subscribed.getBoolean("recovered")).isTrue();
      subs.add(c);
    }
    Http.Reply reply = http.post("/api/posts",
        post("p1", "42", "<p>Hello <b>world</b><script>alert(1)</script> <a href=\"http://x.test\" onclick=\"x()\">l</a></p>"));
    assertThat(reply.status()).isEqualTo(202);
    assertThat(reply.json().getString("ingestId")).isNotBlank();
    for (WsTestClient c : subs) {
      JsonObject m = c.nextOp("message");
      assertThat(m.getString("type")).isEqualTo("post.created");
      assertThat(m.getString("id")).isNotBlank();
      JsonObject data = m.getJsonObject("data");
      assertThat(data.getString("message")).contains("<b>world</b>").doesNotContain("script").doesNotContain("onclick")
          .contains("rel=\"nofollow\"");
      assertThat(data.getString("text")).isEqualTo("Hello world l");
      assertThat(data.getJsonObject("author").getString("name")).isEqualTo("Ann");
    }
    http.post("/api/publish", new JsonObject().put("channel", "thread:42").put("type", "marker").encode());
    WsTestClient thread = subs.get(1);
    assertThat(thread.nextOp("message").getString("type")).isEqualTo("marker");
  }

  @Test
  void resentPostIsDeliveredOnce() {
    WsTestClient c = connect("/ws?channels=thread:7");
    c.nextOp("subscribed");
    assertThat(http.post("/api/posts", post("dup", "7", "<p>one</p>")).status()).isEqualTo(202);
    assertThat(http.post("/api/posts", post("dup", "7", "<p>one</p>")).status()).isEqualTo(202);
    http.post("/api/publish", new JsonObject().put("channel", "thread:7").put("type", "marker").encode());
    List<JsonObject> got = c.messages(2);
    assertThat(got.get(0).getString("type")).isEqualTo("post.created");
    assertThat(got.get(1).getString("type")).isEqualTo("marker");
  }

  @Test
  void resumeWithSinceReplaysWhatWasMissedInOrder() {
    WsTestClient first = connect("/ws?channels=thread:9");
    first.nextOp("subscribed");
    for (int i = 1; i <= 5; i++) {
      http.post("/api/publish", new JsonObject().put("channel", "thread:9").put("data", i).encode());
    }
    List<JsonObject> seen = first.messages(5);
    String afterTwo = seen.get(1).getString("id");
    first.close();
    clients.remove(first);

    WsTestClient again = connect("/ws");
    again.nextOp("hello");
    again.send(new JsonObject().put("op", "subscribe").put("channels", List.of("thread:9"))
        .put("since", new JsonObject().put("thread:9", afterTwo)));
    JsonObject subscribed = again.nextOp("subscribed");
    assertThat(subscribed.getBoolean("recovered")).isTrue();
    assertThat(subscribed.getString("position")).isEqualTo(seen.get(4).getString("id"));
    List<JsonObject> replay = again.messages(3);
    assertThat(replay).extracting(m -> m.getInteger("data")).containsExactly(3, 4, 5);
    http.post("/api/publish", new JsonObject().put("channel", "thread:9").put("data", 6).encode());
    assertThat(again.nextOp("message").getInteger("data")).isEqualTo(6);
  }

  @Test
  void unknownSinceIsReportedAsNotRecovered() {
    http.post("/api/publish", new JsonObject().put("channel", "thread:3").put("data", 1).encode());
    WsTestClient c = connect("/ws");
    c.send(new JsonObject().put("op", "subscribe").put("channels", List.of("thread:3"))
        .put("since", new JsonObject().put("thread:3", "nosuchepoch-1")));
    assertThat(c.nextOp("subscribed").getBoolean("recovered")).isFalse();
  }

  @Test
  void badFramesGetErrorsThenDisconnect() {
    WsTestClient c = connect("/ws");
    c.nextOp("hello");
    c.sendText("not json");
    assertThat(c.nextOp("error").getString("code")).isEqualTo("bad_frame");
    c.send(new JsonObject().put("op", "dance"));
    assertThat(c.nextOp("error").getString("code")).isEqualTo("unknown_op");
    c.send(new JsonObject().put("op", "subscribe").put("channels", List.of("Bad Channel")));
    assertThat(c.nextOp("error").getString("code")).isEqualTo("bad_channel");
    c.sendText("x".repeat(70_000));
    assertThat(c.nextOp("error").getString("code")).isEqualTo("too_large");
    c.send(new JsonObject().put("op", "ping"));
    assertThat(c.nextOp("pong")).isNotNull();
    // Three bad frames so far; the limit is 10 a minute, so the eleventh bad frame is the one too many.
    for (int i = 0; i < 8; i++) {
      c.sendText("{");
    }
    for (int i = 0; i < 8; i++) {
      assertThat(c.next().getString("code")).isEqualTo("bad_frame");
    }
    JsonObject disconnect = c.next();
    assertThat(disconnect.getString("op")).isEqualTo("disconnect");
    assertThat(disconnect.getString("code")).isEqualTo("bad_frames");
  }

  @Test
  void invalidBodiesAreRejectedWithTheField() {
    Http.Reply r = http.post("/api/posts", new JsonObject().put("id", "p1").encode());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getString("field")).isEqualTo("post.author");
    r = http.post("/api/publish", new JsonObject().put("channel", "nope").encode());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getString("field")).isEqualTo("publish.channel");
    r = http.post("/api/publish", "[1,2]");
    assertThat(r.status()).isEqualTo(400);
    r = http.post("/api/publish", new JsonObject().put("channel", "a:b").put("data", "x".repeat(70_000)).encode());
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.json().getString("error")).contains("larger");
  }
}
