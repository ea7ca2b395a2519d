package dev.herald.bench;

import dev.herald.IoTransport;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.HdrHistogram.Histogram;

/**
 * The load generator's entry point:
 * <pre>
 *   java -cp target/herald.jar dev.herald.bench.BenchMain idle|connect|fanout|light [--name value ...]
 *   java -cp target/herald.jar dev.herald.bench.BenchMain compare herald.jsonl nchan.jsonl
 * </pre>
 * Scenarios: {@code idle} (memory per idle connection; default 10,000 subscribers), {@code connect} (connect
 * rate; default 18,000), {@code fanout} (rising publish rates until p99 is above {@code --p99-limit-ms} or
 * anything is lost; default 10,000 subscribers), {@code light} (1,000 subscribers, 10 messages/s, 30 s). Each
 * prints one JSON line (also appended to {@code --out}) and a readable summary; options are in
 * {@link BenchOptions}. {@code worker} is the subscriber process the scenarios start themselves. Against Herald,
 * {@code --transport sockjs|sse} makes the subscribers connect over SockJS's websocket transport or Server-Sent
 * Events instead of {@code /ws}.
 *
 * <p>A cluster is measured like one server: {@code --port} and {@code --server-pid} take one entry per node
 * (comma-separated, same order), subscribers and publish requests are spread over the nodes, CPU and memory are
 * summed over them and also reported per node, and {@code --metrics-urls} adds the event-bus bytes the nodes sent
 * each other in each fanout step. {@code compare-scenarios FILE A B} sets two scenarios of one results file side by
 * side (e.g. {@code cluster-3} against {@code cluster-1}).
 */
public final class BenchMain {

  /** A churn round's connections, open at once at most: with the measured ones closed, a node stays under 20K. */
  private static final int WARMUP_ROUND = 15_000;
  /**
   * Warm-up rounds of the measured fleet at most, whatever the JITs do: 216,000 connections in {@code connect-18k},
   * about a minute.
   */
  private static final int MAX_WARMUP_ROUNDS = 12;
  /**
   * JIT CPU in a warm-up round of connections (1–4 s of connecting, 2 s of rest) under which the server's JIT, or
   * the generator's workers' together, count as quiet: about 3 µs per connection, a tenth of the node's CPU per
   * connection when compiled (BENCHMARKS.md, "The connect rate's machine").
   */
  static final long CONNECT_JIT_QUIET_NANOS = 50_000_000L;
  /** Silent subscribers' channels named in a step; the rest are counted. */
  private static final int SILENT_CHANNELS_LISTED = 10;
  /** One round of {@link #settleJit}: publishes to the warm-up channel, then seconds at the first rate. */
  private static final int JIT_ROUND_PUBLISHES = 5_000;
  private static final int JIT_ROUND_SECONDS = 2;
  /** JIT CPU in a round under which the server's JIT counts as quiet: 1 % of a core (/proc counts 10 ms ticks). */
  static final long JIT_QUIET_NANOS = 20_000_000L;

  private BenchMain() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: BenchMain idle|connect|fanout|light|revisit [--option value ...]"
          + " | compare A.jsonl B.jsonl"
          + " | history-memory [--channels N] [--per-channel N] [--body-bytes N] [--channels-per-message N]"
          + " [--dedupe]");
      System.exit(2);
    }
    switch (args[0]) {
      case "worker" -> FleetWorker.run(BenchOptions.parse(args, 1).raw());
      case "compare" -> Report.compare(Path.of(args[1]), Path.of(args[2]));
      case "table" -> Report.table(Path.of(args[1]));
      case "compare-scenarios" -> Report.compareScenarios(Path.of(args[1]), args[2], args[3]);
      case "history-memory" -> System.out.println(HistoryFootprint.run(args).encode());
      case "idle", "connect" -> {
        BenchOptions o = BenchOptions.parse(args, 1);
        emit(connections(args[0], o), o);
      }
      case "fanout", "light" -> {
        BenchOptions o = BenchOptions.parse(args, 1);
        emit(fanout(args[0], o), o);
      }
      case "revisit" -> {
        BenchOptions o = BenchOptions.parse(args, 1);
        // One client, one channel per visit.
        emit(header(args[0], o, 1).put("channels", o.visits()).put("revisits", Revisits.run(o)), o);
      }
      default -> {
        System.err.println("unknown scenario " + args[0]);
        System.exit(2);
      }
    }
    System.exit(0);
  }

  /** {@code idle} and {@code connect}: opens the connections, then measures the server's memory after a full GC. */
  static JsonObject connections(String scenario, BenchOptions o) throws Exception {
    int n = o.subscribers("connect".equals(scenario) ? 18_000 : 10_000);
    JsonObject result = header(scenario, o, n);
    ServerNodes server = ServerNodes.of(o);
    int warm = o.warmupConnections();
    NodeScrapes scrapes = NodeScrapes.of(o);
    // A Herald node: a JVM, whose JIT the warm-up waits for and whose share of the measured phase is reported.
    boolean jvm = server != null && o.target() == Target.HERALD;
    try (RemoteFleet fleet = new RemoteFleet(o, n)) {
      if (warm > 0) {
        // Connect and disconnect the measured fleet first, so that it meets a JIT-compiled server (nchan has no JIT)
        // and is compiled itself: its workers start cold, and in a cold connect phase their compilers took 3.7 s of
        // their 8.1 s of CPU, against the server's 1.3 s (BENCHMARKS.md, "The connect rate's machine"). Past the
        // rounds asked for, more while a round kept the server's JIT or the workers' busy: after 45,000 connections C2
        // still took 0.49 of the node's 1.41 s of CPU in the measured 18,000 ("A leaner generator").
        long warmed = 0;
        int rounds = 0;
        long jit = Long.MAX_VALUE;
        long clientJit = Long.MAX_VALUE;
        for (int left = warm; left > 0 || (rounds < MAX_WARMUP_ROUNDS
            && (jvm && jit > CONNECT_JIT_QUIET_NANOS || clientJit > CONNECT_JIT_QUIET_NANOS)); left -= n) {
          long jit0 = jvm ? server.jitNanos() : 0;
          long clientJit0 = fleet.jitNanos();
          if (scrapes != null) {
            // As the measured phase will: a scrape's first answer made C2 recompile the connection path in it.
            scrapes.read();
          }
          warmed += fleet.connect().ok();
          fleet.disconnect();
          jit = jvm ? server.jitNanos() - jit0 : 0;
          clientJit = fleet.jitNanos() - clientJit0;
          rounds++;
          // For the server to take the closes before the next connects.
          Thread.sleep(2000);
        }
        result.put("warmupConnections", warmed);
        JsonObject warmJit = new JsonObject().put("rounds", rounds)
            .put("clientQuiet", clientJit <= CONNECT_JIT_QUIET_NANOS)
            .put("lastRoundClientJitMs", round(clientJit / 1e6));
        if (jvm) {
          warmJit.put("quiet", jit <= CONNECT_JIT_QUIET_NANOS).put("lastRoundJitMs", round(jit / 1e6));
        }
        result.put("warmupJit", warmJit);
      }
      long[] rssBefore = null;
      long[] heapBefore = null;
      long cpuBefore = 0;
      long jitBefore = 0;
      List<NodeScrapes.Sample> scrape0 = null;
      double probeBefore = MachineProbe.millis();
      if (server != null) {
        server.fullGc();
        rssBefore = server.rssBytesEach();
        heapBefore = server.heapUsedBytesEach();
        cpuBefore = server.cpuNanos();
        jitBefore = server.jitNanos();
      }
      if (scrapes != null) {
        scrape0 = scrapes.read();
      }
      ConnectCost cost = ConnectCost.start(fleet);
      SubscriberFleet.ConnectResult c = fleet.connect();
      long cpuConnect = server == null ? 0 : server.cpuNanos() - cpuBefore;
      JsonObject connect = cost.addTo(connectJson(c, cpuConnect));
      if (jvm) {
        // The JIT's share of it: the warm-up rounds are there so that the measured fleet meets compiled code.
        connect.put("serverJitCpuSeconds", round((server.jitNanos() - jitBefore) / 1e9));
      }
      if (scrapes != null) {
        // A young collection copies the new connections' objects while 512 handshakes wait: read beside the rate.
        NodeScrapes.Sample sum = NodeScrapes.sum(scrape0, scrapes.read());
        connect.put("gc", new JsonObject().put("pauses", sum.gcPauses())
            .put("pauseMs", round(sum.gcPauseSeconds() * 1000)));
      }
      connect.put("machineProbeMs", probeJson(probeBefore, MachineProbe.millis()));
      result.put("connect", connect);
      Thread.sleep(o.settleSeconds() * 1000L);
      if (server != null) {
        server.fullGc();
        long[] rssAfter = server.rssBytesEach();
        long[] heapAfter = server.heapUsedBytesEach();
        String histogramFile = o.histogramFile();
        if (!histogramFile.isEmpty() && o.target() == Target.HERALD) {
          Files.writeString(Path.of(histogramFile), server.classHistograms());
        }
        JsonObject mem = memoryJson(ServerNodes.sum(rssBefore), ServerNodes.sum(rssAfter),
            ServerNodes.sum(heapBefore), ServerNodes.sum(heapAfter), c.ok());
        if (server.size() > 1) {
          JsonArray nodes = new JsonArray();
          for (int k = 0; k < server.size(); k++) {
            nodes.add(new JsonObject().put("port", o.ports().get(k)).put("pid", server.pids().get(k))
                .put("connections", c.perPort()[k])
                .mergeIn(memoryJson(rssBefore[k], rssAfter[k], heapBefore[k], heapAfter[k], c.perPort()[k])));
          }
          mem.put("nodes", nodes);
        }
        result.put("memory", mem);
      }
    }
    return result;
  }

  /** Memory before and after {@code connections} were opened (heap figures only when known). */
  private static JsonObject memoryJson(long rssBefore, long rssAfter, long heapBefore, long heapAfter,
                                       long connections) {
    JsonObject mem = new JsonObject().put("rssBeforeBytes", rssBefore).put("rssAfterBytes", rssAfter)
        .put("rssPerConnectionBytes", connections == 0 ? 0 : (rssAfter - rssBefore) / connections);
    if (heapAfter >= 0) {
      mem.put("heapBeforeBytes", heapBefore).put("heapAfterBytes", heapAfter)
          .put("heapPerConnectionBytes", connections == 0 ? 0 : (heapAfter - heapBefore) / connections);
    }
    return mem;
  }

  /** {@code fanout} and {@code light}: connects, then publishes at each rate in turn until a step fails. */
  static JsonObject fanout(String scenario, BenchOptions o) throws Exception {
    boolean light = "light".equals(scenario);
    int n = o.subscribers(light ? 1000 : 10_000);
    JsonObject result = header(scenario, o, n);
    ServerNodes server = ServerNodes.of(o);
    NodeScrapes scrapes = NodeScrapes.of(o);
    int channels = o.channels();
    int nodes = o.ports().size();
    if (nodes > 1 && BigInteger.valueOf(channels).gcd(BigInteger.valueOf(nodes)).intValue() != 1) {
      // Subscriber i is on node i mod P and channel i mod C: with a common factor a channel misses some nodes.
      System.err.println("warning: " + channels + " channels over " + nodes + " nodes: a channel's subscribers "
          + "are not on every node (choose coprime counts)");
    }
    long[] subsPerChannel = new long[channels];
    for (int i = 0; i < n; i++) {
      subsPerChannel[i % channels]++;
    }
    // Before anything of the measured phase is open, so a churn that fails leaves nothing behind.
    if (o.churnConnections() > 0) {
      result.put("churn", churn(o, server));
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1));
    RatePublisher publisher = new RatePublisher(vertx, o);
    IngestBacklog backlog = "xadd".equals(o.publishVia()) ? new IngestBacklog(vertx, o) : null;
    JsonArray steps = new JsonArray();
    JsonObject best = null;
    try (RemoteFleet fleet = new RemoteFleet(o, n)) {
      double probeBefore = MachineProbe.millis();
      long cpu0 = server == null ? 0 : server.cpuNanos();
      ConnectCost cost = ConnectCost.start(fleet);
      JsonObject connect = cost.addTo(connectJson(fleet.connect(), server == null ? 0 : server.cpuNanos() - cpu0));
      result.put("connect", connect.put("machineProbeMs", probeJson(probeBefore, MachineProbe.millis())));
      // Steps about 10 % apart where the knees of both servers lie on the 2-core machine (one channel 8-40 msg/s,
      // 100 channels 400-1,600): with 25-30 % steps two knees a fifth apart often fell on the same step. Both go on
      // to twice their old last step: with fan-outs flushed in chunks Herald passed 40 and 4,000 msg/s.
      List<Double> rates = o.rates(light ? "10" : channels == 1
          ? "1,2,3,4,5,6,7,8,9,10,11,12,13,14,16,18,20,22,25,28,32,36,40,45,50,56,63,70,80"
          : "100,200,300,400,500,600,700,800,900,1000,1100,1200,1300,1400,1500,1600,1800,2000,2200,2500,3000,4000,"
              + "4500,5000,5600,6300,7000,8000");
      int seconds = o.stepSeconds(light ? 30 : 10);
      if (o.warmupPublishes() > 0) {
        // The warm-up channel (index C, after the measured ones) has subscribers of its own when the steps have
        // subscribers: a 30 s light step showed C2 compiling the per-message path at ~50 ms/s (a third of the
        // server's CPU) when the warm-up publishes reached nobody.
        int warmSubscribers = n > 0 ? o.warmupSubscribers() : 0;
        SubscriberFleet warmFleet = new SubscriberFleet(vertx, o.target(), o.transport(), o.host(), o.ports(), 0,
            warmSubscribers, 1, o.channelPrefix(), channels, 1, Math.max(1, warmSubscribers), o.clientWebSocket());
        long warmConnected = warmFleet.connect(10_000).toCompletionStage().toCompletableFuture().get().subscribed();
        long refused = publisher.warmUp(channels, o.warmupPublishes()).toCompletionStage().toCompletableFuture()
            .get();
        warmFleet.close().toCompletionStage().toCompletableFuture().get();
        result.put("warmupPublishes", o.warmupPublishes() - refused).put("warmupSubscribers", warmConnected);
        if (backlog != null) {
          backlog.awaitDrained(60_000_000_000L);
        }
      }
      // Warm-up at the first rate, not recorded: JIT compilation of both sides, first connections of the pool.
      if (o.warmupSeconds() > 0) {
        warmUp(fleet, publisher, backlog, rates.get(0), o.warmupSeconds(), subsPerChannel);
      }
      if (server != null && o.jitSettleSeconds() > 0) {
        result.put("jitSettle", settleJit(fleet, publisher, backlog, server, scrapes, rates.get(0),
            o.jitSettleSeconds(), subsPerChannel, o.warmupPublishes() > 0));
      }
      int attemptsPerRate = 1 + o.retries();
      ladder:
      for (double rate : rates) {
        for (int attempt = 1; ; attempt++) {
          JsonObject step = step(fleet, publisher, backlog, server, scrapes, rate, seconds, subsPerChannel, o);
          step.put("attempt", attempt);
          steps.add(step);
          System.err.println(scenario + " " + o.target().label() + " " + Report.stepLine(step));
          if (step.getBoolean("pass")) {
            best = step;
            break;
          }
          // A failed step is repeated (--retries, default 1) so one GC or scheduling hiccup does not end the ladder.
          if (attempt >= attemptsPerRate) {
            break ladder;
          }
        }
      }
    } finally {
      publisher.close();
      if (backlog != null) {
        backlog.close();
      }
      vertx.close();
    }
    result.put("steps", steps);
    if (best != null) {
      result.put("best", best);
    }
    return result;
  }

  /**
   * {@code --churn-connections}: subscribers that come and go before the measured ones connect, in rounds of at most
   * {@link #WARMUP_ROUND} (a node holds under 20K sockets here), each on the measured channels as the measured fleet
   * will be. The node then serves the fan-out with the state page views leave behind (freed connections, garbage
   * promoted and collected, channels subscribed and left), not a fresh heap's.
   */
  static JsonObject churn(BenchOptions o, ServerNodes server) throws Exception {
    long cpu0 = server == null ? 0 : server.cpuNanos();
    long t0 = System.nanoTime();
    long ok = 0;
    long failed = 0;
    long subscribed = 0;
    long connectCpu = 0;
    int rounds = 0;
    for (int left = o.churnConnections(); left > 0; left -= WARMUP_ROUND) {
      Round round = connectAndClose(o, Math.min(left, WARMUP_ROUND), server);
      ok += round.connect().ok();
      failed += round.connect().failed();
      subscribed += round.connect().subscribed();
      connectCpu += round.connectCpuNanos();
      rounds++;
    }
    if (failed > 0) {
      System.err.println("warning: " + failed + " of the churn's connections failed");
    }
    return new JsonObject().put("connections", ok).put("failed", failed).put("subscribed", subscribed)
        .put("rounds", rounds).put("seconds", round((System.nanoTime() - t0) / 1e9))
        .put("serverCpuSeconds", round((server == null ? 0 : server.cpuNanos() - cpu0) / 1e9))
        .put("serverConnectCpuSeconds", round(connectCpu / 1e9));
  }

  /** One round of connections opened and closed: what the connects reported, the server's CPU while they ran. */
  private record Round(SubscriberFleet.ConnectResult connect, long connectCpuNanos) {
  }

  /**
   * A fleet of {@code count} worker-held connections opened and closed, then 2 s for the server to take the closes
   * before whatever connects next. The server's CPU is read around the connects only (none without {@code server}):
   * the rest of the round is the closes, the workers' start and the wait.
   */
  private static Round connectAndClose(BenchOptions o, int count, ServerNodes server) throws Exception {
    Round round;
    try (RemoteFleet w = new RemoteFleet(o, count)) {
      long cpu0 = server == null ? 0 : server.cpuNanos();
      SubscriberFleet.ConnectResult c = w.connect();
      round = new Round(c, server == null ? 0 : server.cpuNanos() - cpu0);
    }
    Thread.sleep(2000);
    return round;
  }

  /** Publishes at {@code rate} for {@code seconds}, unrecorded, and waits for the deliveries. */
  private static void warmUp(RemoteFleet fleet, RatePublisher publisher, IngestBacklog backlog, double rate,
                             int seconds, long[] subsPerChannel) throws Exception {
    // Counted from zero, so the drain below waits for this round's deliveries, not the ones before it.
    fleet.reset();
    RatePublisher.Result w = publisher.run(rate, seconds).toCompletionStage().toCompletableFuture().get();
    long expected = 0;
    for (int k = 0; k < subsPerChannel.length; k++) {
      expected += w.perChannel()[k] * subsPerChannel[k];
    }
    if (backlog != null) {
      backlog.awaitDrained(60_000_000_000L);
    }
    drain(fleet, expected);
  }

  /**
   * More warm-up, in rounds, until a round in which the server's JIT compiler threads stayed quiet or
   * {@code maxSeconds} have passed. A round publishes {@value #JIT_ROUND_PUBLISHES} messages as fast as answered to
   * the warm-up channel (when the scenario has warm-up publishes) and then {@value #JIT_ROUND_SECONDS} s at
   * {@code rate} to the measured ones. Why: after 60,000 warm-up publishes a fresh JVM's C2 still compiled the
   * per-publish path through a whole 30 s light step, a third of the server's CPU in that step (async-profiler,
   * BENCHMARKS.md, "The JIT settles"). A JVM reconsiders a method only every 1,024 calls, and under load its C2
   * queue raises the thresholds, so at 10 msg/s the last compilations come tens of seconds later: that is the cost
   * of starting, not of delivering, and on two cores it is taken from the client too. Each round also scrapes the
   * nodes' metrics, as a step does. Returns how long it took and whether the JIT became quiet.
   */
  private static JsonObject settleJit(RemoteFleet fleet, RatePublisher publisher, IngestBacklog backlog,
                                      ServerNodes server, NodeScrapes scrapes, double rate, int maxSeconds,
                                      long[] subsPerChannel, boolean burst) throws Exception {
    long t0 = System.nanoTime();
    long jit = Long.MAX_VALUE;
    int rounds = 0;
    while ((System.nanoTime() - t0) / 1_000_000_000L < maxSeconds) {
      long jit0 = server.jitNanos();
      if (scrapes != null) {
        // A step scrapes the nodes' metrics: the first scrape's response, a new buffer type on the write path,
        // made C2 drop the fan-out's compiled write path (deoptimized at the step's start, recompiled in it).
        scrapes.read();
      }
      if (burst) {
        publisher.warmUp(subsPerChannel.length, JIT_ROUND_PUBLISHES).toCompletionStage().toCompletableFuture().get();
      }
      warmUp(fleet, publisher, backlog, rate, JIT_ROUND_SECONDS, subsPerChannel);
      rounds++;
      jit = server.jitNanos() - jit0;
      if (jit <= JIT_QUIET_NANOS) {
        break;
      }
    }
    return new JsonObject().put("seconds", round((System.nanoTime() - t0) / 1e9)).put("rounds", rounds)
        .put("quiet", jit <= JIT_QUIET_NANOS).put("lastRoundJitMs", jit == Long.MAX_VALUE ? null : round(jit / 1e6));
  }

  /** One step: publish at {@code rate} for {@code seconds}, wait for the deliveries, measure. */
  private static JsonObject step(RemoteFleet fleet, RatePublisher publisher, IngestBacklog backlog,
                                 ServerNodes server, NodeScrapes scrapes, double rate, int seconds,
                                 long[] subsPerChannel, BenchOptions o) throws Exception {
    // Outside the CPU window: the probe's own CPU is the generator's.
    double probeBefore = MachineProbe.millis();
    double loopbackBefore = MachineProbe.loopbackCpuMillis();
    fleet.reset();
    long deadBefore = backlog == null ? 0 : backlog.read().toCompletionStage().toCompletableFuture().get()
        .deadLetters();
    Map<String, IngestBacklog.CommandStat> redisStats0 = backlog == null ? null
        : backlog.commandStats().toCompletionStage().toCompletableFuture().get();
    long redisCpu0 = o.redisPid() > 0 ? ProcessProbe.cpuNanosOf(o.redisPid()) : 0;
    long redisWait0 = o.redisPid() > 0 ? ProcessProbe.runQueueWaitNanosOf(o.redisPid()) : 0;
    // Scraped before the CPU is read and after it is read again, so the scrapes' own CPU is left out.
    List<NodeScrapes.Sample> scrape0 = scrapes == null ? null : scrapes.read();
    long[] serverCpu0 = server == null ? new long[0] : server.cpuNanosEach();
    long serverSys0 = server == null ? 0 : server.sysNanos();
    long serverJit0 = server == null ? 0 : server.jitNanos();
    Map<Long, ProcessProbe.ThreadTicks> serverThreads0 = server == null ? Map.of() : server.threadTicks();
    long clientCpu0 = fleet.cpuNanos() + ProcessProbe.cpuNanosOf(ProcessHandle.current().pid());
    KernelNet.Counters net0 = KernelNet.read();
    MachineCpu.Reading machine0 = MachineCpu.read();
    long serverWait0 = server == null ? 0 : server.runQueueWaitNanos();
    long clientWait0 = fleet.runQueueWaitNanos() + ProcessProbe.runQueueWaitNanosOf(ProcessHandle.current().pid());
    RatePublisher.Result pub;
    long expected = 0;
    JsonObject ingest = null;
    // Stopped even when the step fails: a probe left running would load the steps after it.
    ProbeDuringStep probeDuring = ProbeDuringStep.start();
    try {
      pub = publisher.run(rate, seconds).toCompletionStage().toCompletableFuture().get();
      for (int k = 0; k < subsPerChannel.length; k++) {
        expected += pub.perChannel()[k] * subsPerChannel[k];
      }
      if (backlog != null) {
        long t0 = System.nanoTime();
        IngestBacklog.State left = backlog.awaitDrained(60_000_000_000L);
        double drainSeconds = (System.nanoTime() - t0) / 1e9;
        long dead = left.deadLetters() - deadBefore;
        ingest = new JsonObject().put("drained", left.drained()).put("drainSeconds", round(drainSeconds))
            .put("postsPerSecond", round(pub.accepted() / (pub.seconds() + drainSeconds)))
            .put("deadLettered", dead)
            .put("pass", left.drained() && drainSeconds <= o.maxDrainSeconds() && dead == 0)
            .put("redisCalls", IngestBacklog.redisCalls(redisStats0, backlog.commandStats().toCompletionStage()
                .toCompletableFuture().get(), pub.accepted()));
      }
      drain(fleet, expected);
    } finally {
      probeDuring.close();
    }
    long redisCpu = o.redisPid() > 0 ? ProcessProbe.cpuNanosOf(o.redisPid()) - redisCpu0 : -1;
    long redisWait = o.redisPid() > 0 ? ProcessProbe.runQueueWaitNanosOf(o.redisPid()) - redisWait0 : -1;
    long[] serverCpu = server == null ? new long[0] : server.cpuNanosEach();
    long serverSys = server == null ? 0 : server.sysNanos() - serverSys0;
    long serverJit = server == null ? 0 : server.jitNanos() - serverJit0;
    Map<Long, ProcessProbe.ThreadTicks> serverThreads = server == null ? Map.of() : server.threadTicks();
    for (int k = 0; k < serverCpu.length; k++) {
      serverCpu[k] -= serverCpu0[k];
    }
    long clientCpu = fleet.cpuNanos() + ProcessProbe.cpuNanosOf(ProcessHandle.current().pid()) - clientCpu0;
    KernelNet.Counters net1 = KernelNet.read();
    MachineCpu.Reading machine1 = MachineCpu.read();
    long serverWait = server == null ? 0 : server.runQueueWaitNanos() - serverWait0;
    long clientWait = fleet.runQueueWaitNanos() + ProcessProbe.runQueueWaitNanosOf(ProcessHandle.current().pid())
        - clientWait0;
    List<NodeScrapes.Sample> scrape = scrapes == null ? null : scrapes.read();
    double probeAfter = MachineProbe.millis();
    double loopbackAfter = MachineProbe.loopbackCpuMillis();
    RemoteFleet.Stats s = fleet.stats(pub.perChannel());
    JsonObject step = stepJson(rate, pub, s, ServerNodes.sum(serverCpu), clientCpu, o.p99LimitMs());
    step.put("machineProbeMs", probeJson(probeBefore, probeAfter));
    step.put("loopbackProbeCpuMs", probeJson(loopbackBefore, loopbackAfter));
    step.put("machineProbeDuringStep", probeDuring.json());
    if (!s.silentChannels().isEmpty()) {
      step.put("silentChannels", silentChannelNames(s.silentChannels(), o.channelPrefix()));
    }
    if (ingest != null) {
      // Posts through the whole pipeline: read, formatted, committed, published and acknowledged in time.
      step.put("ingest", ingest).put("pass", step.getBoolean("pass") && ingest.getBoolean("pass"));
    }
    if (redisCpu >= 0) {
      step.put("redisCpuSeconds", round(redisCpu / 1e9));
      // Redis runs commands on one thread: while it waits for a CPU, every script and read waits with it.
      step.put("redisRunQueueWaitSeconds", round(redisWait / 1e9));
    }
    // The kernel's share: on loopback a write also runs the receiving side's TCP path in the sender's time.
    step.put("serverSysCpuSeconds", round(serverSys / 1e9));
    // Included in serverCpuSeconds: the JVM's JIT compiling during the step (0 for nchan).
    step.put("serverJitCpuSeconds", round(serverJit / 1e9));
    if (!serverThreads.isEmpty()) {
      step.put("serverThreadCpuSeconds", ServerNodes.threadGroupSeconds(serverThreads0, serverThreads));
    }
    if (serverCpu.length > 1) {
      JsonArray perNode = new JsonArray();
      for (long cpu : serverCpu) {
        perNode.add(round(cpu / 1e9));
      }
      step.put("serverCpuSecondsPerNode", perNode);
    }
    // Ready to run and no CPU free, summed over threads: the server's, and the clients' with the publisher's.
    if (server != null) {
      step.put("serverRunQueueWaitSeconds", round(serverWait / 1e9));
    }
    step.put("clientRunQueueWaitSeconds", round(clientWait / 1e9));
    if (machine0 != null && machine1 != null) {
      step.put("machineCpuSeconds", round(machine1.busySecondsSince(machine0)))
          .put("softirqThreadCpuSeconds", round(machine1.softirqThreadSecondsSince(machine0)));
    }
    if (net0 != null && net1 != null) {
      step.put("kernel", net1.minus(net0).json());
    }
    if (scrape != null) {
      NodeScrapes.Sample sum = NodeScrapes.sum(scrape0, scrape);
      // A node on its own (not clustered, or alone in its cluster) writes nothing to an event bus: no figures.
      if (scrape.size() > 1 || sum.bytesWritten() > 0) {
        step.put("eventBus", eventBusJson(sum, scrape0, scrape, pub.accepted()));
      }
      step.put("gc", new JsonObject().put("pauses", sum.gcPauses())
          .put("pauseMs", round(sum.gcPauseSeconds() * 1000)));
      // The server's own account of what it committed, delivered and did not deliver live, to read beside a loss.
      step.put("server", new JsonObject().put("connectionsClosed", sum.connectionsClosed())
          .put("dropped", sum.dropped()).put("catchUpSwitches", sum.catchUpSwitches())
          .put("limitHits", sum.limitHits()).put("historyReads", sum.historyReads())
          .put("historyReadFailures", sum.historyReadFailures()).put("committed", sum.committed())
          .put("delivered", sum.delivered()));
      if (sum.deliveriesTimed() > 0) {
        step.getJsonObject("server").put("acceptToSocketMs", new JsonObject()
            .put("deliveries", sum.deliveriesTimed()).put("p50", bucketMs(sum, 0.5))
            .put("p99", bucketMs(sum, 0.99)).put("p999", bucketMs(sum, 0.999)));
      }
    }
    return step;
  }

  /** A quantile of the server's accept-to-socket latency as its bucket's upper bound in ms; null beyond the last. */
  private static Double bucketMs(NodeScrapes.Sample sum, double q) {
    Double ms = sum.latencyQuantileMs(q);
    return ms == null || ms.isInfinite() ? null : round(ms);
  }

  /**
   * The event-bus traffic between the nodes during a step ({@code sum}: every node's difference, added up): bytes
   * and messages written (each message counted by the node that sent it), bytes read, and bytes written per
   * message the publisher had accepted; each node's bytes written from its own two samples.
   */
  private static JsonObject eventBusJson(NodeScrapes.Sample sum, List<NodeScrapes.Sample> before,
                                         List<NodeScrapes.Sample> after, long published) {
    JsonArray perNode = new JsonArray();
    for (int k = 0; k < after.size(); k++) {
      perNode.add(after.get(k).bytesWritten() - before.get(k).bytesWritten());
    }
    long bytes = sum.bytesWritten();
    long messages = sum.messagesWritten();
    return new JsonObject().put("bytesWritten", bytes).put("messagesWritten", messages).put("bytesRead", sum.bytesRead())
        .put("bytesPerMessage", published == 0 ? 0 : round((double) bytes / published))
        .put("bytesPerBusMessage", messages == 0 ? 0 : round((double) bytes / messages))
        .put("bytesWrittenPerNode", perNode);
  }

  /** Waits until every expected delivery arrived, or nothing arrived for 3 s (at most 60 s). */
  private static void drain(RemoteFleet fleet, long expected) throws IOException, InterruptedException {
    long last = -1;
    long lastProgress = System.nanoTime();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      long got = fleet.uniqueReceived();
      if (got >= expected) {
        return;
      }
      if (got != last) {
        last = got;
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > 3_000_000_000L) {
        return;
      }
      Thread.sleep(100);
    }
  }

  /** The first {@value #SILENT_CHANNELS_LISTED} channels of silent subscribers, by name; the rest as a count. */
  static JsonObject silentChannelNames(SortedSet<Integer> channels, String prefix) {
    JsonArray names = new JsonArray();
    channels.stream().limit(SILENT_CHANNELS_LISTED).forEach(k -> names.add(prefix + k));
    return new JsonObject().put("count", channels.size()).put("first", names);
  }

  private static JsonObject stepJson(double rate, RatePublisher.Result pub, RemoteFleet.Stats s, long serverCpu,
                                     long clientCpu, int p99LimitMs) {
    Histogram h = s.latency();
    long loss = s.expected() - s.unique();
    double p99Ms = h.getValueAtPercentile(99) / 1000.0;
    boolean pass = loss == 0 && s.duplicates() == 0 && s.orderViolations() == 0 && pub.errors() == 0
        && p99Ms <= p99LimitMs && pub.achievedRate() >= 0.95 * rate && (s.unique() > 0 || s.expected() == 0);
    return new JsonObject().put("rate", rate).put("published", pub.accepted()).put("publishErrors", pub.errors())
        .put("publishFirstError", pub.firstError()).put("publishedPerSecond", round(pub.achievedRate()))
        .put("expected", s.expected()).put("received", s.unique()).put("loss", loss)
        .put("duplicates", s.duplicates()).put("orderViolations", s.orderViolations())
        .put("silentSubscribers", s.silent()).put("closedConnections", s.closed())
        .put("deliveriesPerSecond", round(s.unique() / pub.seconds()))
        .put("latencyMs", new JsonObject().put("p50", ms(h, 50)).put("p90", ms(h, 90)).put("p99", ms(h, 99))
            .put("p999", ms(h, 99.9)).put("max", round(h.getMaxValue() / 1000.0)))
        .put("firstDeliveryMs", summaryMs("messages", s.firstDelivery()))
        .put("publishPoolWaitMs", summaryMs("requests", pub.poolWaitMicros()))
        .put("serverCpuSeconds", round(serverCpu / 1e9))
        .put("serverCpuPerDeliveryNs", s.unique() == 0 ? 0 : round((double) serverCpu / s.unique()))
        .put("clientCpuSeconds", round(clientCpu / 1e9)).put("pass", pass);
  }

  /**
   * Count, p50, p99 and max in ms of a histogram of µs: per message, its earliest delivery (how late fan-outs
   * start, see {@link FirstDeliveries}), or per publish request, its wait for a connection of the publisher's
   * pool (before its send time is stamped).
   */
  private static JsonObject summaryMs(String counted, Histogram h) {
    return new JsonObject().put(counted, h.getTotalCount()).put("p50", ms(h, 50)).put("p99", ms(h, 99))
        .put("max", round(h.getMaxValue() / 1000.0));
  }

  private static JsonObject connectJson(SubscriberFleet.ConnectResult c, long serverCpuNanos) {
    double secs = c.handshakeNanos() / 1e9;
    JsonObject j = new JsonObject().put("established", c.ok()).put("failed", c.failed())
        .put("subscribed", c.subscribed()).put("seconds", round(secs))
        .put("perSecond", secs <= 0 ? 0 : round(c.ok() / secs))
        .put("subscribedSeconds", round(c.subscribedNanos() / 1e9))
        .put("serverCpuSeconds", round(serverCpuNanos / 1e9)).put("firstError", c.firstError());
    if (c.perPort().length > 1) {
      j.put("establishedPerNode", new JsonArray(Arrays.stream(c.perPort()).boxed().toList()));
    }
    return j;
  }

  private static JsonObject header(String scenario, BenchOptions o, int subscribers) {
    JsonObject header = new JsonObject().put("scenario", o.name(scenario)).put("target", o.target().label())
        .put("commit", o.commit()).put("jdk", System.getProperty("java.vm.name") + " "
            + System.getProperty("java.version")).put("cpus", Runtime.getRuntime().availableProcessors())
        .put("serverFlags", o.serverFlags()).put("subscribers", subscribers).put("channels", o.channels())
        .put("clientProcesses", o.processes(subscribers)).put("sources", o.sources())
        .put("clientIo", IoTransport.choose(o.clientIo(), "--client-io").name())
        .put("clientWs", o.clientWebSocket().label());
    if (o.ports().size() > 1) {
      header.put("nodes", o.ports().size());
    }
    if (o.transport() != Transport.WS) {
      header.put("transport", o.transport().label());
    }
    return header;
  }

  /** A probe's readings; null for one that could not run (NaN). */
  private static JsonObject probeJson(double beforeMs, double afterMs) {
    return new JsonObject().put("before", Double.isNaN(beforeMs) ? null : round(beforeMs))
        .put("after", Double.isNaN(afterMs) ? null : round(afterMs));
  }

  private static void emit(JsonObject result, BenchOptions o) throws IOException {
    String line = result.encode();
    System.out.println(line);
    System.out.println(Report.summary(result));
    if (!o.out().isEmpty()) {
      Files.writeString(Path.of(o.out()), line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  private static double ms(Histogram h, double percentile) {
    return round(h.getValueAtPercentile(percentile) / 1000.0);
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
