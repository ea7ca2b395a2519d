package dev.herald.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Publishes at a fixed rate over HTTP: Herald's {@code POST /api/publish} or nchan's {@code POST /pub/<channel>},
 * or with {@code --publish-via xadd} straight onto Herald's Redis ingest stream ({@code XADD <stream> * publish
 * <body>}, Herald's redis engine). The same JSON body every way,
 * {@code {"channel":…,"data":{"t":<epoch µs at send>,"n":<per-channel seq>}}}, or with {@code --entry post} a post
 * entry ({@link #post}), channels round-robin. An HTTP message's send time is stamped when its request has a
 * connection, not when it starts waiting for one: the wait in this client's own pool is not the server's
 * latency, and is reported apart ({@link Result#poolWaitMicros}). Sends
 * {@code Authorization: Bearer $HERALD_PUBLISH_KEY} when that variable is set.
 * With several ports (the nodes of a cluster) the HTTP requests go to them in turn, one message each.
 * Paced by a 1 ms timer against the ideal schedule, with at most one HTTP request in flight per channel (so a
 * channel's sequence numbers reach the server in order) and a cap on requests in flight: a server that answers
 * too slowly makes the publisher fall behind, which fails the step. XADDs are pipelined on one connection, which
 * keeps their order without waiting for answers (waiting capped the producer at 100 channels / round trip, below
 * what Herald ingests). Only touched on its Vert.x context.
 */
final class RatePublisher {

  private final Vertx vertx;
  private final HttpClient http;
  private final Target target;
  private final int[] ports;
  private final int channels;
  private final int maxInFlight;
  private final String authorization;
  private final long[] seq;
  private final Redis redis;
  private final Future<RedisConnection> xaddConnection;
  private final String stream;
  private final boolean posts;
  private final String channelPrefix;
  /** Where each HTTP request's wait for a pooled connection is recorded, µs: the current step's, or warm-up's. */
  private Histogram poolWaitMicros = new Histogram(3);

  RatePublisher(Vertx vertx, BenchOptions o) {
    this.vertx = vertx;
    this.target = o.target();
    this.channels = o.channels();
    this.maxInFlight = o.maxInFlight();
    this.ports = o.ports().stream().mapToInt(Integer::intValue).toArray();
    // --publish-connections is per port: Vert.x pools connections per server address.
    this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(o.host()).setKeepAlive(true)
        .setTcpNoDelay(true), new PoolOptions().setHttp1MaxSize(o.publishConnections()));
    String key = System.getenv("HERALD_PUBLISH_KEY");
    this.authorization = key == null || key.isEmpty() ? null : "Bearer " + key;
    this.seq = new long[channels];
    boolean xadd = "xadd".equals(o.publishVia());
    this.redis = xadd ? Redis.createClient(vertx, new io.vertx.redis.client.RedisOptions()
        .setConnectionString(o.redisUrl())) : null;
    this.xaddConnection = xadd ? redis.connect() : null;
    this.stream = o.stream();
    this.posts = "post".equals(o.entry());
    this.channelPrefix = o.channelPrefix();
  }

  /**
   * A post entry for channel k's thread: its id carries the send time and sequence ({@code bt<t>n<n>c<k>}, read
   * back by {@link Target#scan}), and its message has the markup a comment has, so sanitizing has work to do.
   */
  static String post(int channel, long sentMicros, long n) {
    return "{\"id\":\"bt" + sentMicros + "n" + n + "c" + channel + "\",\"forum\":\"bench\",\"thread\":\"b" + channel
        + "\",\"author\":{\"id\":\"u" + channel + "\",\"name\":\"Bench Author\"},\"message\":\"<p>Post " + n
        + " on <b>thread " + channel + "</b>, see <a href=\\\"https://example.com/t/" + channel
        + "\\\" onclick=\\\"x()\\\">this link</a><script>alert(1)</script></p>\","
        + "\"createdAt\":\"2026-11-22T10:00:00Z\"}";
  }

  /**
   * One message on channel {@code ch} with sequence {@code n}: an XADD, or a publish request to {@code port}.
   * Fails on an HTTP status other than 2xx.
   */
  private Future<?> publish(int ch, long n, int port) {
    String channel = channelPrefix + ch;
    if (redis != null) {
      long now = SubscriberFleet.nowMicros();
      Request xadd = Request.cmd(Command.XADD).arg(stream).arg("*");
      if (posts) {
        xadd.arg("post").arg(post(ch, now, n));
      } else {
        xadd.arg("publish").arg(message(channel, now, n));
      }
      return xaddConnection.compose(c -> c.send(xadd));
    }
    RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setPort(port)
        .setURI(target.publishPath(channel)).putHeader("Content-Type", "application/json");
    if (authorization != null) {
      ro.putHeader("Authorization", authorization);
    }
    long queued = System.nanoTime();
    Histogram waits = poolWaitMicros;
    return http.request(ro).compose(req -> {
      waits.recordValue((System.nanoTime() - queued) / 1_000);
      return req.send(Buffer.buffer(message(channel, SubscriberFleet.nowMicros(), n)));
    }).compose(resp -> resp.body().map(b -> {
      if (resp.statusCode() / 100 != 2) {
        throw new IllegalStateException("HTTP " + resp.statusCode() + " " + b);
      }
      return b;
    }));
  }

  private static String message(String channel, long sentMicros, long n) {
    return "{\"channel\":\"" + channel + "\",\"data\":{\"t\":" + sentMicros + ",\"n\":" + n + "}}";
  }

  /**
   * Sends {@code count} messages as fast as answers come back ({@code --max-in-flight} at a time) to channel
   * {@code ch}, one no subscriber listens to: warms the server's publish path (its JIT) without deliveries.
   * Completes with the number the server refused.
   */
  Future<Long> warmUp(int ch, long count) {
    Promise<Long> done = Promise.promise();
    vertx.runOnContext(v -> new Object() {
      {
        poolWaitMicros = new Histogram(3);
      }

      long sent;
      long answered;
      long errors;

      void fill() {
        while (sent < count && sent - answered < maxInFlight) {
          long n = ++sent;
          publish(ch, n, ports[(int) (n % ports.length)]).onComplete(r -> {
            answered++;
            if (r.failed()) {
              errors++;
            }
            if (answered == count) {
              done.complete(errors);
            } else {
              fill();
            }
          });
        }
      }
    }.fill());
    return done.future();
  }

  /**
   * What one step sent. {@code perChannel[k]}: messages accepted on channel k during the step;
   * {@code poolWaitMicros}: each HTTP request's wait for a connection of the pool (empty for XADDs).
   */
  record Result(long sent, long accepted, long errors, double seconds, long[] perChannel, String firstError,
                Histogram poolWaitMicros) {
    double achievedRate() {
      return seconds <= 0 ? 0 : accepted / seconds;
    }
  }

  /** Publishes at {@code rate} messages/s for {@code seconds}; completes when every answer arrived. */
  Future<Result> run(double rate, double seconds) {
    Promise<Result> done = Promise.promise();
    vertx.runOnContext(v -> new Step(rate, seconds, done).start());
    return done.future();
  }

  Future<Void> close() {
    if (redis != null) {
      xaddConnection.onSuccess(RedisConnection::close);
      redis.close();
    }
    return http.close();
  }

  private final class Step {
    final double rate;
    final long durationNanos;
    final Promise<Result> done;
    final long[] perChannel = new long[channels];
    final boolean[] busy = new boolean[channels];
    final AtomicReference<String> firstError = new AtomicReference<>();
    final Histogram waits = new Histogram(3);
    long start;
    long sent;
    long accepted;
    long errors;
    int inFlight;
    int nextChannel;
    long timer;
    boolean finished;
    long endNanos;

    Step(double rate, double seconds, Promise<Result> done) {
      this.rate = rate;
      this.durationNanos = (long) (seconds * 1e9);
      this.done = done;
    }

    void start() {
      poolWaitMicros = waits;
      start = System.nanoTime();
      timer = vertx.setPeriodic(1, t -> tick());
      tick();
    }

    void tick() {
      long now = System.nanoTime();
      long elapsed = Math.min(now - start, durationNanos);
      long due = (long) (rate * elapsed / 1e9);
      while (sent < due && inFlight < maxInFlight) {
        int ch = nextIdleChannel();
        if (ch < 0) {
          break;
        }
        send(ch);
      }
      if (now - start >= durationNanos && !finished) {
        finished = true;
        endNanos = now;
        vertx.cancelTimer(timer);
        maybeDone();
      }
    }

    /**
     * The next channel, round-robin, with no request in flight, or -1. One request per channel at a time keeps
     * each channel's messages in sequence order at the server: requests on parallel connections can overtake
     * each other, and the server would rightly deliver them in arrival order.
     */
    int nextIdleChannel() {
      for (int i = 0; i < channels; i++) {
        int ch = (nextChannel + i) % channels;
        if (!busy[ch]) {
          nextChannel = (ch + 1) % channels;
          return ch;
        }
      }
      return -1;
    }

    void send(int ch) {
      busy[ch] = redis == null;
      long n = ++seq[ch];
      int port = ports[(int) (sent % ports.length)];
      sent++;
      inFlight++;
      Future<?> answer = publish(ch, n, port);
      answer.onComplete(r -> {
        inFlight--;
        busy[ch] = false;
        if (r.succeeded()) {
          accepted++;
          perChannel[ch]++;
        } else {
          errors++;
          // A message the server refused is not expected by subscribers; its sequence number becomes a gap.
          firstError.compareAndSet(null, r.cause().getMessage());
        }
        maybeDone();
      });
    }

    void maybeDone() {
      if (finished && inFlight == 0) {
        done.tryComplete(new Result(sent, accepted, errors, (endNanos - start) / 1e9, perChannel.clone(),
            firstError.get(), waits));
      }
    }
  }
}
