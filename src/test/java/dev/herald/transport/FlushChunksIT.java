package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.SseTestClient;
import dev.herald.testing.TestNodes;
import dev.herald.testing.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fan-outs flushed a few connections per event-loop turn ({@code transport.flushChunk}): every WebSocket and SSE
 * subscriber gets every message once and in the channel's order, the order the ingest queue accepted them in (a copy
 * too many or too few shifts the list), also when messages arrive while the fan-out of an earlier one is still being
 * flushed (the publishes are pipelined on one connection, so they are read in a burst).
 */
class FlushChunksIT {

  private static final String CHANNEL = "thread:chunks";
  private static final int WEBSOCKETS = 30;
  private static final int STREAMS = 10;
  private static final int MESSAGES = 40;

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 0})
  void everySubscriberGetsEveryMessageOnceInOrder(int chunk) {
    Vertx vertx = Vertx.vertx();
    HeraldNode node = TestNodes.start(vertx,
        TestNodes.memory().put("transport", new JsonObject().put("flushChunk", chunk)));
    List<WsTestClient> sockets = new ArrayList<>();
    List<SseTestClient> streams = new ArrayList<>();
    HttpClient publisher = vertx.createHttpClient(new HttpClientOptions().setPipelining(true),
        new PoolOptions().setHttp1MaxSize(1));
    try {
      for (int i = 0; i < WEBSOCKETS; i++) {
        WsTestClient c = WsTestClient.connect(vertx, node.port(), "/ws?channels=" + CHANNEL);
        sockets.add(c);
        c.nextOp("subscribed");
      }
      for (int i = 0; i < STREAMS; i++) {
        SseTestClient c = SseTestClient.connect(vertx, node.port(), "/sse?channels=" + CHANNEL, null, null);
        streams.add(c);
        c.next("subscribed");
      }
      List<Future<Accepted>> accepted = new ArrayList<>();
      for (int n = 1; n <= MESSAGES; n++) {
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setPort(node.port())
            .setHost("127.0.0.1").setURI("/api/publish").putHeader("Authorization", "Bearer " + TestNodes.PUBLISH_KEY)
            .putHeader("Content-Type", "application/json");
        String body = new JsonObject().put("channel", CHANNEL).put("data", n).encode();
        int data = n;
        accepted.add(publisher.request(o).compose(req -> req.send(body))
            .compose(resp -> resp.body().map(b -> new Accepted(resp.statusCode(),
                Long.parseLong(b.toJsonObject().getString("ingestId")), data))));
      }
      Await.of(Future.all(accepted), 30);
      assertThat(accepted).allSatisfy(f -> assertThat(f.result().status()).isEqualTo(202));

      // On one node a channel's order is the order the ingest queue accepted the entries in (README, "Delivery
      // guarantees"), which need not be the order of sending: a run got 1, 2, 3, 11, 12, 13, 4, ... (where the
      // requests were reordered was not found).
      List<Accepted> answers = accepted.stream().map(Future::result).toList();
      assertThat(answers).extracting(Accepted::ingestId).doesNotHaveDuplicates();
      List<Integer> channelOrder = answers.stream().sorted(Comparator.comparingLong(Accepted::ingestId))
          .map(Accepted::data).toList();
      List<List<Integer>> received = new ArrayList<>();
      for (WsTestClient c : sockets) {
        received.add(c.messages(MESSAGES).stream().map(m -> m.getInteger("data")).toList());
      }
      for (SseTestClient c : streams) {
        List<Integer> got = new ArrayList<>();
        for (int n = 0; n < MESSAGES; n++) {
          got.add(c.next("message").json().getInteger("data"));
        }
        received.add(got);
      }
      assertThat(received).allSatisfy(got -> assertThat(got).isEqualTo(channelOrder));
    } finally {
      sockets.forEach(WsTestClient::close);
      streams.forEach(SseTestClient::close);
      Await.of(publisher.close(), 10);
      Await.of(node.stop(0), 30);
      Await.of(vertx.close(), 30);
    }
  }

  /** A publish's answer: its status, the ingest queue's id for it, and the value it carried. */
  private record Accepted(int status, long ingestId, int data) {
  }
}
