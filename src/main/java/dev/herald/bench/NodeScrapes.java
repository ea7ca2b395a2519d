package dev.herald.bench;

import dev.herald.metrics.Meters;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Counters read from each Herald node's Prometheus endpoint ({@code --metrics-urls}) before and after a step.
 *
 * <p>Event bus: Vert.x's micrometer metrics record every message a node writes to another node's event-bus
 * connection in the summary {@code vertx_eventbus_bytes_written} (the message as encoded for the wire,
 * {@code ClusteredMessage.encodeToWire}: its 4-byte length prefix, address, sender, headers, codec and body; not
 * TCP/IP overhead) and every message it reads in {@code vertx_eventbus_bytes_read} (the same without the length
 * prefix, so a step reads 4 bytes per message less than it writes). A summary appears once the node has written
 * (read) its first message; until then it counts as 0. Vert.x's own event-bus pings (one per connection every
 * 20 s) are written too.
 *
 * <p>GC: the JVM's meters ({@code jvm_gc_pause_seconds}, one series per collector action and cause) count every
 * collection the JVM reports with its duration; for G1 a young or mixed collection's figure is its stop-the-world
 * pause, the time every event loop stood still, which lands in the step's latency tail.
 *
 * <p>Herald's own counters of what did not go out live: connections closed (every transport), live messages
 * dropped at a full client buffer, subscriptions switched to catch-up, limit hits (the stall timeout among them),
 * and subscriptions' history reads (a gap to fill) with those that failed; and of what did go out: messages
 * committed (once per channel of a message) and message frames handed to client sockets.
 *
 * <p>Latency inside the server: the histogram {@code herald_delivery_latency_seconds} (producer accept to frame
 * handed to the socket, live deliveries only), its cumulative buckets summed over the series. A step's difference
 * bounds the server's part of the latency the subscribers measure; the rest is before the accept (the publisher,
 * the request waiting to be read) or after the hand-over (the socket, the kernel, the client's read).
 */
final class NodeScrapes {

  /** Prometheus's suffix for a counter's samples; Herald's meters are named without it ({@link Meters}). */
  private static final String TOTAL = "_total";

  static final String BYTES_WRITTEN = "vertx_eventbus_bytes_written_sum";
  static final String MESSAGES_WRITTEN = "vertx_eventbus_bytes_written_count";
  static final String BYTES_READ = "vertx_eventbus_bytes_read_sum";
  static final String GC_PAUSES = "jvm_gc_pause_seconds_count";
  static final String GC_PAUSE_SECONDS = "jvm_gc_pause_seconds_sum";
  static final String CONNECTIONS_CLOSED = Meters.CONNECTIONS_CLOSED + TOTAL;
  static final String DROPPED = Meters.DROPPED + TOTAL;
  static final String CATCH_UP_SWITCHES = Meters.CATCH_UP_SWITCHES + TOTAL;
  static final String LIMIT_HITS = Meters.LIMIT_HITS + TOTAL;
  static final String HISTORY_READS = Meters.HISTORY_READS + TOTAL;
  static final String HISTORY_READ_FAILURES = Meters.HISTORY_READ_FAILURES + TOTAL;
  static final String COMMITTED = Meters.COMMITTED + TOTAL;
  static final String DELIVERED = Meters.DELIVERED + TOTAL;
  static final String LATENCY_BUCKET = Meters.DELIVERY_LATENCY + "_seconds_bucket";
  private static final Set<String> NAMES = Set.of(BYTES_WRITTEN, MESSAGES_WRITTEN, BYTES_READ, GC_PAUSES,
      GC_PAUSE_SECONDS, CONNECTIONS_CLOSED, DROPPED, CATCH_UP_SWITCHES, LIMIT_HITS, HISTORY_READS,
      HISTORY_READ_FAILURES, COMMITTED, DELIVERED);

  /** How long a node may take to answer one scrape before the run fails rather than waits. */
  private static final Duration DEADLINE = Duration.ofSeconds(15);

  private final List<URI> urls;
  private final Duration deadline;
  // HTTP/1.1 only: by default the JDK's client offers an h2c upgrade with every plain request, and one scrape of a
  // clustered node (idle-50k-cluster, 20261203T112548Z) then waited nine minutes, its request timeout never firing.
  private final HttpClient http;

  NodeScrapes(List<URI> urls, Duration deadline) {
    this.urls = urls;
    this.deadline = deadline;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(deadline).build();
  }

  /** The nodes of {@code --metrics-urls}, or null when none was given. */
  static NodeScrapes of(BenchOptions o) {
    List<String> urls = o.metricsUrls();
    return urls.isEmpty() ? null : new NodeScrapes(urls.stream().map(URI::create).toList(), DEADLINE);
  }

  /**
   * One node's counters at one moment. {@code latencyBuckets}: the delivery latency histogram's cumulative counts
   * by upper bound in seconds ({@code +Inf} as {@link Double#POSITIVE_INFINITY}); empty when the node has none.
   */
  record Sample(long bytesWritten, long messagesWritten, long bytesRead, long gcPauses, double gcPauseSeconds,
                long connectionsClosed, long dropped, long catchUpSwitches, long limitHits, long historyReads,
                long historyReadFailures, long committed, long delivered, NavigableMap<Double, Long> latencyBuckets) {
    static final Sample ZERO = new Sample(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new TreeMap<>());

    Sample {
      latencyBuckets = Collections.unmodifiableNavigableMap(new TreeMap<>(latencyBuckets));
    }

    /** A sample without latency buckets. */
    Sample(long bytesWritten, long messagesWritten, long bytesRead, long gcPauses, double gcPauseSeconds,
           long connectionsClosed, long dropped, long catchUpSwitches, long limitHits, long historyReads,
           long historyReadFailures, long committed, long delivered) {
      this(bytesWritten, messagesWritten, bytesRead, gcPauses, gcPauseSeconds, connectionsClosed, dropped,
          catchUpSwitches, limitHits, historyReads, historyReadFailures, committed, delivered, new TreeMap<>());
    }

    /**
     * The upper bound, in milliseconds, of the bucket holding the {@code q}-quantile of the deliveries counted
     * (e.g. {@code 0.99}): at least that share took no longer. Null when none were counted; infinite when the
     * quantile lies beyond the last finite bound.
     */
    Double latencyQuantileMs(double q) {
      long total = deliveriesTimed();
      if (total <= 0) {
        return null;
      }
      long rank = (long) Math.ceil(q * total);
      for (Map.Entry<Double, Long> bucket : latencyBuckets.entrySet()) {
        if (bucket.getValue() >= rank) {
          return bucket.getKey() * 1000;
        }
      }
      return Double.POSITIVE_INFINITY;
    }

    /** The deliveries the latency histogram counted. */
    long deliveriesTimed() {
      Long all = latencyBuckets.get(Double.POSITIVE_INFINITY);
      return all == null ? 0 : all;
    }

    Sample minus(Sample before) {
      return plus(before, -1);
    }

    Sample plus(Sample other) {
      return plus(other, 1);
    }

    private Sample plus(Sample o, int sign) {
      return new Sample(bytesWritten + sign * o.bytesWritten, messagesWritten + sign * o.messagesWritten,
          bytesRead + sign * o.bytesRead, gcPauses + sign * o.gcPauses, gcPauseSeconds + sign * o.gcPauseSeconds,
          connectionsClosed + sign * o.connectionsClosed, dropped + sign * o.dropped,
          catchUpSwitches + sign * o.catchUpSwitches, limitHits + sign * o.limitHits,
          historyReads + sign * o.historyReads, historyReadFailures + sign * o.historyReadFailures,
          committed + sign * o.committed, delivered + sign * o.delivered, merge(latencyBuckets, o.latencyBuckets,
              sign));
    }

    private static NavigableMap<Double, Long> merge(NavigableMap<Double, Long> a, NavigableMap<Double, Long> b,
                                                    int sign) {
      NavigableMap<Double, Long> out = new TreeMap<>(a);
      b.forEach((bound, count) -> out.merge(bound, sign * count, Long::sum));
      return out;
    }
  }

  /** What every node counted between two reads of {@link #read()}, summed over the nodes. */
  static Sample sum(List<Sample> before, List<Sample> after) {
    Sample total = Sample.ZERO;
    for (int k = 0; k < after.size(); k++) {
      total = total.plus(after.get(k).minus(before.get(k)));
    }
    return total;
  }

  /**
   * The counters of every node, in the order of {@code --metrics-urls}. A node that does not answer within the
   * deadline fails the read: the waiting is bounded here, not left to the client's request timeout.
   */
  List<Sample> read() throws IOException, InterruptedException {
    List<Sample> samples = new ArrayList<>();
    for (URI url : urls) {
      CompletableFuture<HttpResponse<String>> pending = http.sendAsync(
          HttpRequest.newBuilder(url).timeout(deadline).build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> r;
      try {
        r = pending.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        pending.cancel(true);
        throw new IOException("GET " + url + " did not answer within " + deadline.toMillis() + " ms");
      } catch (ExecutionException e) {
        throw new IOException("GET " + url + " failed: " + e.getCause(), e.getCause());
      }
      if (r.statusCode() != 200) {
        throw new IOException("GET " + url + " answered " + r.statusCode());
      }
      samples.add(parse(r.body()));
    }
    return samples;
  }

  /** The counters of a Prometheus text exposition, read in one pass; every series of a name is summed. */
  static Sample parse(String text) {
    Map<String, Double> totals = new HashMap<>();
    NavigableMap<Double, Long> buckets = new TreeMap<>();
    for (String line : text.split("\n")) {
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      String name = line.substring(0, end);
      if (end < line.length() && NAMES.contains(name)) {
        totals.merge(name, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
      } else if (name.equals(LATENCY_BUCKET)) {
        buckets.merge(bound(line), Math.round(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))),
            Long::sum);
      }
    }
    return new Sample(count(totals, BYTES_WRITTEN), count(totals, MESSAGES_WRITTEN), count(totals, BYTES_READ),
        count(totals, GC_PAUSES), totals.getOrDefault(GC_PAUSE_SECONDS, 0.0), count(totals, CONNECTIONS_CLOSED),
        count(totals, DROPPED), count(totals, CATCH_UP_SWITCHES), count(totals, LIMIT_HITS),
        count(totals, HISTORY_READS), count(totals, HISTORY_READ_FAILURES), count(totals, COMMITTED),
        count(totals, DELIVERED), buckets);
  }

  /** A bucket line's {@code le}, in seconds. */
  private static double bound(String line) {
    int start = line.indexOf("le=\"");
    if (start < 0) {
      throw new IllegalArgumentException("a histogram bucket without le: " + line);
    }
    String le = line.substring(start + 4, line.indexOf('"', start + 4));
    return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
  }

  private static long count(Map<String, Double> totals, String name) {
    return Math.round(totals.getOrDefault(name, 0.0));
  }
}
