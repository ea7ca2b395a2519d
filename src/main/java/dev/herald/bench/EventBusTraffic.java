package dev.herald.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes the nodes' event buses sent each other, read from each node's Prometheus endpoint
 * ({@code --metrics-urls}). Vert.x's micrometer metrics record every message a node writes to another node's
 * event-bus connection in the summary {@code vertx_eventbus_bytes_written} (the message as encoded for the wire,
 * {@code ClusteredMessage.encodeToWire}: its 4-byte length prefix, address, sender, headers, codec and body; not
 * TCP/IP overhead) and every message it reads in {@code vertx_eventbus_bytes_read} (the same without the length
 * prefix, so a step reads 4 bytes per message less than it writes). A summary appears once the node has written
 * (read) its first message; until then it counts as 0. Vert.x's own event-bus pings (one per connection every
 * 20 s) are written too.
 */
final class EventBusTraffic {

  static final String BYTES_WRITTEN = "vertx_eventbus_bytes_written_sum";
  static final String MESSAGES_WRITTEN = "vertx_eventbus_bytes_written_count";
  static final String BYTES_READ = "vertx_eventbus_bytes_read_sum";

  private final List<URI> urls;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private EventBusTraffic(List<URI> urls) {
    this.urls = urls;
  }

  /** The nodes of {@code --metrics-urls}, or null when none was given. */
  static EventBusTraffic of(BenchOptions o) {
    List<String> urls = o.metricsUrls();
    return urls.isEmpty() ? null : new EventBusTraffic(urls.stream().map(URI::create).toList());
  }

  /** One node's counters at one moment. */
  record Sample(long bytesWritten, long messagesWritten, long bytesRead) {
    Sample minus(Sample before) {
      return new Sample(bytesWritten - before.bytesWritten, messagesWritten - before.messagesWritten,
          bytesRead - before.bytesRead);
    }
  }

  /** The counters of every node, in the order of {@code --metrics-urls}. */
  List<Sample> read() throws IOException, InterruptedException {
    List<Sample> samples = new ArrayList<>();
    for (URI url : urls) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException("GET " + url + " answered " + r.statusCode());
      }
      samples.add(parse(r.body()));
    }
    return samples;
  }

  /** The event-bus counters of a Prometheus text exposition; every series of a name is summed. */
  static Sample parse(String text) {
    return new Sample(value(text, BYTES_WRITTEN), value(text, MESSAGES_WRITTEN), value(text, BYTES_READ));
  }

  private static long value(String text, String name) {
    double total = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith(name) && line.length() > name.length()
          && (line.charAt(name.length()) == ' ' || line.charAt(name.length()) == '{')) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Math.round(total);
  }
}
