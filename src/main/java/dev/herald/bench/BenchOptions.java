package dev.herald.bench;

import dev.herald.config.NodeConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line options ({@code --name value}), every one with its default here. Sizes and rates of a scenario are
 * options, so {@code scripts/bench} and a person at a shell run the same program.
 */
record BenchOptions(Map<String, String> raw) {

  static BenchOptions parse(String[] args, int from) {
    Map<String, String> m = new HashMap<>();
    for (int i = from; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got " + args[i]);
      }
      m.put(args[i].substring(2), args[++i]);
    }
    return new BenchOptions(m);
  }

  String get(String name, String dflt) {
    return raw.getOrDefault(name, dflt);
  }

  int integer(String name, int dflt) {
    return Integer.parseInt(get(name, Integer.toString(dflt)));
  }

  /** herald (default) or nchan. */
  Target target() {
    return Target.parse(get("target", "herald"));
  }

  /**
   * ws (default: {@code /ws}, or nchan's {@code /sub/}), sockjs (SockJS's websocket transport at {@code /rt},
   * Herald's only) or sse ({@code GET /sse}, or nchan's {@code /sub/} as an EventSource).
   */
  Transport transport() {
    Transport t = Transport.parse(get("transport", "ws"));
    if (t == Transport.SOCKJS && target() != Target.HERALD) {
      throw new IllegalArgumentException("--transport sockjs is Herald's; --target " + target().label()
          + " takes ws or sse");
    }
    return t;
  }

  String host() {
    return get("host", "127.0.0.1");
  }

  /**
   * Ports of the server's nodes, comma-separated (default 8080): subscriber {@code i} connects to port
   * {@code i mod P}, the publisher sends its requests to the ports in turn.
   */
  List<Integer> ports() {
    List<Integer> ports = new ArrayList<>();
    for (String s : list("port", "8080")) {
      int p = Integer.parseInt(s);
      if (p <= 0 || p > 65535) {
        throw new IllegalArgumentException("--port must list port numbers (1-65535), not " + s);
      }
      ports.add(p);
    }
    return ports;
  }

  /**
   * PIDs of the server's processes, comma-separated, one per node in the order of {@link #ports} (each PID's
   * children are counted too); empty or 0: no server probes. Figures are summed over the PIDs, and reported per
   * node as well when there are several.
   */
  List<Long> serverPids() {
    List<Long> pids = new ArrayList<>();
    for (String s : list("server-pid", "0")) {
      long pid = Long.parseLong(s);
      if (pid > 0) {
        pids.add(pid);
      }
    }
    if (pids.size() > 1 && pids.size() != ports().size()) {
      throw new IllegalArgumentException("--server-pid lists " + pids.size() + " PIDs for " + ports().size()
          + " ports; give one PID per port, in the same order");
    }
    return pids;
  }

  /**
   * Prometheus endpoints of the nodes ({@code http://127.0.0.1:<port>/metrics}), comma-separated; empty (default):
   * none. When given, each fanout step reports the event-bus bytes the nodes sent each other.
   */
  List<String> metricsUrls() {
    return list("metrics-urls", "");
  }

  int subscribers(int dflt) {
    return integer("subscribers", dflt);
  }

  int channels() {
    return integer("channels", 1);
  }

  /** Loopback source addresses 127.0.0.2, .3, … the subscribers are spread over. */
  int sources() {
    return integer("sources", 8);
  }

  /** WebSocket handshakes in flight at once, over all client processes. */
  int concurrency() {
    return integer("concurrency", 512);
  }

  /** Client processes; by default one per 15,000 subscribers (the open-files limit is 20,000 per process). */
  int processes(int subscribers) {
    return raw.containsKey("processes") ? integer("processes", 1) : Math.max(1, (subscribers + 14_999) / 15_000);
  }

  String clientHeap() {
    return get("client-heap", "1g");
  }

  /**
   * JVM flags of the client processes besides their heap ({@link #clientHeap}, fixed), comma-separated. ZGC: with
   * Parallel GC a worker holding 10,000 connections paused 200-320 ms (full collections) inside measured steps,
   * which showed as both servers' p99.
   */
  List<String> clientJvmFlags() {
    return list("client-jvm-flags", "-XX:+UseZGC");
  }

  int clientLoops() {
    return integer("client-loops", 2);
  }

  /**
   * The client processes' socket transport, as the node's {@code node.ioTransport}: {@code auto} (io_uring where
   * the kernel allows it, else epoll, else NIO), {@code io_uring}, {@code epoll} or {@code nio}. The same for every
   * server under test; the client's share of the two cores is what a lighter client leaves to the server.
   */
  String clientIo() {
    String io = get("client-io", NodeConfig.AUTO);
    if (!NodeConfig.IO_TRANSPORTS.contains(io)) {
      throw new IllegalArgumentException("--client-io must be auto, io_uring, epoll or nio, not " + io);
    }
    return io;
  }

  /** The client of plain WebSocket subscribers: {@link ClientWebSocket}, {@code lean} by default. */
  ClientWebSocket clientWebSocket() {
    return ClientWebSocket.parse(get("client-ws", "lean"));
  }

  /** Publish rates of the steps, messages/s, comma-separated. */
  List<Double> rates(String dflt) {
    return list("rates", dflt).stream().map(Double::parseDouble).toList();
  }

  /** A comma-separated option: its items trimmed, empty items left out. */
  List<String> list(String name, String dflt) {
    List<String> items = new ArrayList<>();
    for (String s : get(name, dflt).split(",")) {
      if (!s.isBlank()) {
        items.add(s.trim());
      }
    }
    return items;
  }

  /** Seconds of unrecorded publishing at the first rate before the steps (JIT warm-up of both sides). */
  int warmupSeconds() {
    return integer("warmup-seconds", 5);
  }

  /**
   * After the warm-up, at most this many more seconds of warm-up rounds ({@link BenchMain}'s settleJit) until a
   * round in which the server's JIT compiler threads used at most {@link BenchMain#JIT_QUIET_NANOS}; 0: none. Only a
   * JVM server has compiler threads, so nchan settles after one round.
   */
  int jitSettleSeconds() {
    return integer("jit-settle-seconds", 60);
  }

  int stepSeconds(int dflt) {
    return integer("step-seconds", dflt);
  }

  /** Repeats of a failed step before the ladder stops (a GC or scheduling hiccup is not a knee). */
  int retries() {
    return integer("retries", 1);
  }

  /** A step fails when its p99 latency is above this, ms. */
  int p99LimitMs() {
    return integer("p99-limit-ms", 200);
  }

  /** HTTP connections of the publisher, to each port. */
  int publishConnections() {
    return integer("publish-connections", 16);
  }

  /** Publish requests in flight at most; past it the publisher falls behind its rate (the step fails). */
  int maxInFlight() {
    return integer("max-in-flight", 256);
  }

  /**
   * Subscribers of the warm-up channel while the warm-up publishes are sent (in the coordinator, closed after):
   * the per-message path is compiled as it runs in the steps, with deliveries, not only as a publish nobody
   * receives.
   */
  int warmupSubscribers() {
    return integer("warmup-subscribers", 10);
  }

  /**
   * Messages published, as fast as answered, to a channel of its own (index C, after the measured ones) before
   * the fanout and light steps (and before {@code --warmup-seconds}); 0 (default): none. A JVM compiles a path
   * after thousands of calls, and a light step alone sends a few hundred messages: without this the per-message
   * path of a fresh Herald is measured running in the interpreter. Both servers get the same.
   */
  long warmupPublishes() {
    return Long.parseLong(get("warmup-publishes", "0"));
  }

  /**
   * Connections opened and closed before the measured ones (idle, connect), to warm the server's JIT and the
   * generator's: the measured fleet itself connects and disconnects, in rounds of its size; 0: none. More rounds
   * follow while the last one kept a Herald node's JIT compiler or the fleet's busy, up to 12 rounds in all.
   */
  int warmupConnections() {
    return integer("warmup-connections", 0);
  }

  /**
   * Subscribers that connect, subscribe to the measured channels as the measured ones will, and leave, before the
   * measured ones connect (fanout, light), in rounds of at most 15,000; 0 (default): none. What a node is like after
   * serving page views for a while, where every other scenario meets a node just started.
   */
  int churnConnections() {
    int v = integer("churn-connections", 0);
    if (v < 0) {
      throw new IllegalArgumentException("--churn-connections must be 0 or more, not " + v);
    }
    return v;
  }

  /** The revisit scenario: channels a client opens, each once and then once more after {@link #gapMs()}. */
  int visits() {
    return positive("visits", 40);
  }

  /** The revisit scenario: ms between leaving a channel and coming back to it. */
  int gapMs() {
    return positive("gap-ms", 200);
  }

  private int positive(String name, int dflt) {
    int v = integer(name, dflt);
    if (v <= 0) {
      throw new IllegalArgumentException("--" + name + " must be above 0, not " + v);
    }
    return v;
  }

  /** Seconds to wait after connecting before measuring memory. */
  int settleSeconds() {
    return integer("settle-seconds", 5);
  }

  /** JSON lines are appended to this file (besides stdout); empty for none. */
  String out() {
    return get("out", "");
  }

  /** Free text recorded with the results: the server's JVM flags or nginx settings. */
  String serverFlags() {
    return get("server-flags", "");
  }

  /** http (default: Herald's POST /api/publish or nchan's /pub/<channel>) or xadd (Herald's Redis ingest stream). */
  String publishVia() {
    return get("publish-via", "http");
  }

  /**
   * What {@code --publish-via xadd} writes: {@code publish} (default; {@code publish <json>}, the body the HTTP
   * publisher sends) or {@code post} (a post entry: sanitized, committed to its 4 channels forum/thread/user/post;
   * the send time and sequence ride in the post's id, {@code bt<t>n<n>c<k>}).
   */
  String entry() {
    String e = get("entry", "publish");
    if (!e.equals("publish") && !e.equals("post")) {
      throw new IllegalArgumentException("--entry must be publish or post, not " + e);
    }
    return e;
  }

  /** Channel k is {@code <prefix>k}: {@code bench:} by default, {@code thread:b} with post entries. */
  String channelPrefix() {
    return get("channel-prefix", "post".equals(get("entry", "publish")) ? "thread:b" : "bench:");
  }

  /**
   * With {@code --publish-via xadd}, a step passes only if Herald's consumer group had read and acknowledged
   * every entry within this many seconds after the last XADD (the pipeline kept up with the rate).
   */
  double maxDrainSeconds() {
    return Double.parseDouble(get("max-drain-seconds", "1"));
  }

  /** PID of the Redis server of an ingest scenario, whose CPU each step reports; 0 (default): not measured. */
  long redisPid() {
    return Long.parseLong(get("redis-pid", "0"));
  }

  /** Herald's consumer group on the ingest stream ({@code ingest.group}). */
  String group() {
    return get("group", "herald");
  }

  /** The dead-letter stream key ({@code redis.keyPrefix} + {@code ingest.deadStream}). */
  String deadStream() {
    return get("dead-stream", "herald:dead");
  }

  /** Redis of {@code --publish-via xadd}. */
  String redisUrl() {
    return get("redis-url", "redis://127.0.0.1:6379");
  }

  /** The ingest stream key of {@code --publish-via xadd}: Herald's {@code redis.keyPrefix} + {@code ingest.stream}. */
  String stream() {
    return get("stream", "herald:ingest");
  }

  /** Where idle and connect write the Herald node's live-object histogram after the full GC; empty for none. */
  String histogramFile() {
    return get("histogram-file", "");
  }

  /** The scenario's name in the results (scripts/bench passes idle-10k, fanout-1ch, …). */
  String name(String dflt) {
    return get("name", dflt);
  }

  String commit() {
    return get("commit", "unknown");
  }
}
