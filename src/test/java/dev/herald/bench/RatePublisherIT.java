package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.Await;
import dev.herald.testing.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The producer's XADDs against a real Redis: they no longer wait for each other, and must still land in the
 * stream in each channel's sequence order, none lost, none twice (Herald's ingest and the bench's order check
 * rely on it). Its HTTP requests against a real, slow server: a request that waited for the pool's one
 * connection carries the time it was sent, not the time it started waiting.
 */
class RatePublisherIT {

  private final Vertx vertx = Vertx.vertx();
  private final Redis redis = Redis.createClient(vertx, TestRedis.options(TestRedis.url(), ProtocolVersion.RESP3));
  private final String stream = TestRedis.newPrefix() + "ingest";

  @AfterEach
  void stop() {
    Await.of(redis.send(Request.cmd(Command.DEL).arg(stream)), 10);
    Await.of(vertx.close(), 30);
  }

  @Test
  void xaddsArriveInEachChannelsOrderWithoutGapsOrRepeats() {
    int channels = 4;
    RatePublisher publisher = new RatePublisher(vertx, BenchOptions.parse(new String[] {"--publish-via", "xadd",
        "--redis-url", TestRedis.url(), "--stream", stream, "--channels", Integer.toString(channels)}, 0));

    RatePublisher.Result r = Await.of(publisher.run(2_000, 1), 30);
    Await.of(publisher.close(), 10);

    assertThat(r.errors()).isZero();
    assertThat(r.accepted()).isEqualTo(r.sent()).isGreaterThan(1_000);
    Map<String, List<Long>> sequences = new HashMap<>();
    Response entries = Await.of(redis.send(Request.cmd(Command.XRANGE).arg(stream).arg("-").arg("+")), 10);
    for (Response e : entries) {
      JsonObject publish = new JsonObject(e.get(1).get(1).toString());
      sequences.computeIfAbsent(publish.getString("channel"), k -> new ArrayList<>())
          .add(publish.getJsonObject("data").getLong("n"));
    }
    assertThat(sequences).hasSize(channels);
    for (int ch = 0; ch < channels; ch++) {
      assertThat(sequences.get("bench:" + ch)).as("bench:" + ch)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, r.perChannel()[ch]).boxed().toList());
    }
  }

  @Test
  void anHttpMessageIsStampedWhenItsRequestHasAConnectionNotWhenItQueues() {
    List<long[]> stampedAndAnswered = new CopyOnWriteArrayList<>();
    HttpServer server = Await.of(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      long stamped = new JsonObject(body.toString()).getJsonObject("data").getLong("t");
      // Slower than the publisher's pace, so that requests queue behind the pool's one connection.
      vertx.setTimer(20, t -> {
        stampedAndAnswered.add(new long[] {stamped, SubscriberFleet.nowMicros()});
        req.response().setStatusCode(202).end();
      });
    })).listen(0, "127.0.0.1"), 10);
    RatePublisher publisher = new RatePublisher(vertx, BenchOptions.parse(new String[] {"--port",
        Integer.toString(server.actualPort()), "--publish-connections", "1", "--channels", "4"}, 0));

    RatePublisher.Result r = Await.of(publisher.run(200, 0.5), 30);
    Await.of(publisher.close(), 10);

    assertThat(r.errors()).isZero();
    assertThat(r.accepted()).isGreaterThan(10);
    assertThat(r.poolWaitMicros().getTotalCount()).isEqualTo(r.sent());
    assertThat(r.poolWaitMicros().getMaxValue()).as("some request waited for the connection").isPositive();
    // One connection, one request at a time: each request can only have been sent after the answer before it.
    for (int i = 1; i < stampedAndAnswered.size(); i++) {
      assertThat(stampedAndAnswered.get(i)[0]).as("send time of request %d", i)
          .isGreaterThanOrEqualTo(stampedAndAnswered.get(i - 1)[1]);
    }
  }
}
