package dev.herald.bench;

import dev.herald.IoTransport;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.StringJoiner;
import org.HdrHistogram.Histogram;

/**
 * A client process holding one share of the subscribers ({@code BenchMain worker ...}). Several processes keep
 * each under the per-process open-files limit. Line protocol on stdin/stdout, one reply line per command:
 * <pre>
 *   connect            → connected ok failed subscribed handshakeNanos subscribedNanos okPerPort firstError
 *   disconnect         → disconnected (every connection closed; connect may follow again)
 *   reset              → ok
 *   count              → count uniqueReceived
 *   stats p0,p1,...    → stats unique expected duplicates orderViolations base64(compressed histogram) silent
 *                        closedAfterSubscribe silentChannels
 *   close              → closed (then exits)
 * </pre>
 * where {@code okPerPort} is {@code n0,n1,...}, the connections established to each port of {@code --port}, and
 * {@code p<k>} is how many messages the publisher sent on channel k, and {@code silentChannels} is {@code k0,k1,...},
 * the channels of the silent subscribers, or {@code -} for none. Logs go to stderr.
 */
final class FleetWorker {

  private FleetWorker() {
  }

  static void run(Map<String, String> o) throws Exception {
    BenchOptions options = new BenchOptions(o);
    IoTransport.Choice io = IoTransport.choose(options.clientIo(), "--client-io");
    Vertx vertx = Vertx.builder().with(new VertxOptions()
        .setEventLoopPoolSize(Integer.parseInt(o.getOrDefault("loops", "2")))).withTransport(io.transport()).build();
    System.err.println("worker " + ProcessHandle.current().pid() + ": transport " + io.name());
    SubscriberFleet fleet = new SubscriberFleet(vertx, options.target(), options.transport(), o.get("host"),
        options.ports(), Integer.parseInt(o.get("from")), Integer.parseInt(o.get("to")),
        Integer.parseInt(o.get("channels")), options.channelPrefix(), 0, Integer.parseInt(o.get("sources")),
        Integer.parseInt(o.get("concurrency")), options.clientWebSocket());
    PrintStream out = System.out;
    out.println("ready");
    out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    String line;
    while ((line = in.readLine()) != null) {
      String[] cmd = line.trim().split(" ", 2);
      switch (cmd[0]) {
        case "connect" -> {
          SubscriberFleet.ConnectResult r = fleet.connect(Long.parseLong(o.getOrDefault("subscribe-wait-ms",
              "60000"))).toCompletionStage().toCompletableFuture().get();
          String err = r.firstError() == null ? "-" : r.firstError().replace(' ', '_');
          StringJoiner perPort = new StringJoiner(",");
          for (long n : r.perPort()) {
            perPort.add(Long.toString(n));
          }
          out.println("connected " + r.ok() + " " + r.failed() + " " + r.subscribed() + " " + r.handshakeNanos()
              + " " + r.subscribedNanos() + " " + perPort + " " + err);
        }
        case "disconnect" -> {
          fleet.disconnect().toCompletionStage().toCompletableFuture().get();
          out.println("disconnected");
        }
        case "reset" -> {
          fleet.reset();
          out.println("ok");
        }
        case "count" -> out.println("count " + fleet.uniqueReceived());
        case "stats" -> {
          String[] parts = cmd[1].split(",");
          long[] published = new long[parts.length];
          for (int i = 0; i < parts.length; i++) {
            published[i] = Long.parseLong(parts[i]);
          }
          Histogram h = fleet.latency();
          ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
          int n = h.encodeIntoCompressedByteBuffer(buf);
          String hist = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n));
          out.println("stats " + fleet.uniqueReceived() + " " + fleet.expected(published) + " "
              + fleet.duplicates() + " " + fleet.orderViolations() + " " + hist + " " + fleet.silent(published) + " "
              + fleet.closedAfterSubscribe() + " " + channelList(fleet.silentChannels(published)) + " "
              + FirstDeliveries.encode(fleet.firstDeliveries()));
        }
        case "close" -> {
          fleet.close().toCompletionStage().toCompletableFuture().get();
          out.println("closed");
          out.flush();
          vertx.close().toCompletionStage().toCompletableFuture().get();
          return;
        }
        default -> out.println("error unknown command " + cmd[0]);
      }
      out.flush();
    }
    vertx.close();
  }

  /** {@code k0,k1,...}, or {@code -} for none: one word of a reply line. */
  static String channelList(Collection<Integer> channels) {
    if (channels.isEmpty()) {
      return "-";
    }
    StringJoiner j = new StringJoiner(",");
    channels.forEach(k -> j.add(Integer.toString(k)));
    return j.toString();
  }
}
