package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.IoTransport;
import dev.herald.testing.Await;
import dev.herald.testing.Eventually;
import dev.herald.testing.Http;
import dev.herald.testing.Scrape;
import dev.herald.testing.SseTestClient;
import dev.herald.testing.TestNodes;
import dev.herald.testing.WsTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same node on each I/O transport ({@code node.ioTransport}): the transports write to the sockets they take
 * from Vert.x themselves, so each path (write, per-turn flush, the close seen by the session) runs on io_uring,
 * epoll and NIO here. The other tests' nodes run on NIO; the fat jar picks io_uring where the kernel allows it.
 */
class IoTransportIT {

  private final Vertx clients = Vertx.vertx();
  private Vertx vertx;
  private HeraldNode node;
  private Http http;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    if (http != null) {
      http.close();
    }
    if (node != null) {
      Await.of(node.stop(0), 30);
    }
    if (vertx != null) {
      Await.of(vertx.close(), 30);
    }
    Await.of(clients.close(), 30);
  }

  @ParameterizedTest
  @ValueSource(strings = {"io_uring", "epoll", "nio"})
  void webSocketAndSseSubscribersGetEveryMessageInOrderAndTheirCloseIsSeen(String transport) {
    // A kernel or container that forbids io_uring (or a machine without epoll) cannot run that case; auto then
    // picks the next one, which the other cases cover.
    try {
      IoTransport.choose(transport);
    } catch (IllegalStateException notHere) {
      Assumptions.abort(notHere.getMessage());
    }
    vertx = TestNodes.vertxWithMetrics(transport);
    assertThat(IoTransport.nameOf(vertx)).isEqualTo(transport);
    node = TestNodes.start(vertx, TestNodes.memory());
    http = new Http(clients, node.port());
    WsTestClient ws = WsTestClient.connect(clients, node.port(), "/ws?channels=thread:7");
    open.add(ws);
    ws.nextOp("subscribed");
    SseTestClient sse = SseTestClient.connect(clients, node.port(), "/sse?channels=thread:7", null, null);
    open.add(sse);
    sse.next("subscribed");
    Eventually.within(10, () -> assertThat(gauge("herald_fanout_subscriptions")).isEqualTo(2));

    int total = 200;
    for (int i = 1; i <= total; i++) {
      assertThat(http.post("/api/publish", new JsonObject().put("channel", "thread:7").put("data", i).encode())
          .status()).isEqualTo(202);
    }
    List<Integer> viaWs = new ArrayList<>();
    for (JsonObject m : ws.messages(total)) {
      viaWs.add(m.getInteger("data"));
    }
    List<Integer> viaSse = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      viaSse.add(sse.next("message").json().getInteger("data"));
    }
    List<Integer> expected = new ArrayList<>();
    for (int i = 1; i <= total; i++) {
      expected.add(i);
    }
    assertThat(viaWs).isEqualTo(expected);
    assertThat(viaSse).isEqualTo(expected);

    // The client goes away: the node notices on its own transport and frees both subscriptions.
    ws.close();
    sse.drop();
    Eventually.within(10, () -> assertThat(gauge("herald_fanout_subscriptions")).isZero());
    Scrape after = Scrape.of(http);
    assertThat(after.value("herald_transport_connections", "transport", "websocket")).isZero();
    assertThat(after.value("herald_transport_connections", "transport", "sse")).isZero();
  }

  private double gauge(String name) {
    return Scrape.of(http).value(name);
  }
}
