package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.HostileInput;
import dev.herald.testing.Http;
import dev.herald.testing.TestNodes;
import dev.herald.testing.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile frames on {@code /ws} and hostile bodies on the producer API, while a healthy subscriber on the same
 * node must receive every message in order: bad input costs only its sender.
 */
class HostileInputIT {

  private Vertx vertx;
  private HeraldNode node;
  private Http http;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    node = TestNodes.start(vertx, TestNodes.memory());
    http = new Http(vertx, node.port());
  }

  @AfterEach
  void stop() {
    http.close();
    Await.of(node.stop(0), 30);
    Await.of(vertx.close(), 30);
  }

  @Test
  void randomQueryStringsAndHeadersGetAnAnswerAndHarmNobody() {
    WsTestClient healthy = WsTestClient.connect(vertx, node.port(), "/ws?channels=thread:calm");
    healthy.nextOp("subscribed");
    Iterator<String> values = Arbitraries.strings().ofMaxLength(60).sampleStream().iterator();
    // Trimmed: the client itself refuses to send header values with outer whitespace.
    Iterator<String> headers = Arbitraries.strings().withChars("0123456789.:abcdef, ;=\"").ofMaxLength(60)
        .map(String::trim).sampleStream().iterator();
    try {
      for (int i = 1; i <= 30; i++) {
        String path = "/ws?channels=" + URLEncoder.encode(values.next(), StandardCharsets.UTF_8) + "&token="
            + URLEncoder.encode(values.next(), StandardCharsets.UTF_8) + "&since=" + URLEncoder.encode(values.next(),
            StandardCharsets.UTF_8);
        WsTestClient c = WsTestClient.connect(vertx, node.port(), path,
            Map.of("X-Forwarded-For", headers.next(), "Origin", "http://" + i + ".test"));
        try {
          assertThat(c.next().getString("op")).isEqualTo("hello");
          c.send(new JsonObject().put("op", "ping"));
          // Whatever the URL asked for, each answer is documented, and the connection still speaks the protocol.
          JsonObject f;
          while (!"pong".equals((f = c.next()).getString("op"))) {
            assertThat(f.getString("op")).isIn("subscribed", "error");
            if ("error".equals(f.getString("op"))) {
              assertThat(f.getString("code")).isIn("bad_channel", "forbidden", "too_many_channels", "rate_limited");
            }
          }
        } finally {
          c.close();
        }
        assertThat(http.post("/api/publish",
            new JsonObject().put("channel", "thread:calm").put("data", i).encode()).status()).isEqualTo(202);
      }
      assertThat(healthy.messages(30)).extracting(m -> m.getInteger("data"))
          .containsExactlyElementsOf(IntStream.rangeClosed(1, 30).boxed().toList());
    } finally {
      healthy.close();
    }
  }

  @Test
  void healthySubscriberReceivesEverythingWhileOthersSendGarbage() {
    WsTestClient healthy = WsTestClient.connect(vertx, node.port(), "/ws?channels=thread:calm");
    healthy.nextOp("subscribed");
    Iterator<String> garbage = HostileInput.frame().sampleStream().iterator();
    int messages = 40;
    WsTestClient attacker = null;
    try {
      for (int i = 1; i <= messages; i++) {
        if (attacker == null || attacker.closeStatus() != null) {
          if (attacker != null) {
            attacker.close();
          }
          attacker = WsTestClient.connect(vertx, node.port(), "/ws");
        }
        for (int k = 0; k < 5; k++) {
          try {
            attacker.sendText(garbage.next());
          } catch (RuntimeException | AssertionError closedMeanwhile) {
            break;
          }
        }
        int status = http.post("/api/publish", garbage.next()).status();
        // Some mutated frames are valid publishes (to other channels); the rest are refused with a reason.
        assertThat(status).isIn(202, 400, 413);
        assertThat(http.post("/api/publish",
            new JsonObject().put("channel", "thread:calm").put("data", i).encode()).status()).isEqualTo(202);
      }
      List<Integer> got = healthy.messages(messages).stream().map(m -> m.getInteger("data")).toList();
      assertThat(got).containsExactlyElementsOf(IntStream.rangeClosed(1, messages).boxed().toList());
      assertThat(healthy.closeStatus()).isNull();
    } finally {
      if (attacker != null) {
        attacker.close();
      }
      healthy.close();
    }
  }
}
