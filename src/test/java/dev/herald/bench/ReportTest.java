package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ReportTest {

  private static JsonObject step() {
    return new JsonObject().put("rate", 100.0).put("publishedPerSecond", 100.0).put("deliveriesPerSecond", 10000.0)
        .put("loss", 0L).put("duplicates", 0L).put("orderViolations", 0L)
        .put("latencyMs", new JsonObject().put("p50", 1.0).put("p90", 2.0).put("p99", 3.0).put("p999", 4.0)
            .put("max", 5.0))
        .put("serverCpuPerDeliveryNs", 12000.0).put("serverCpuSeconds", 1.2).put("clientCpuSeconds", 0.8)
        .put("pass", true);
  }

  private static JsonObject result(JsonObject step, JsonObject connect) {
    return new JsonObject().put("scenario", "s").put("target", "herald").put("commit", "c").put("jdk", "j")
        .put("cpus", 2).put("serverFlags", "f").put("subscribers", 600).put("channels", 100)
        .put("connect", connect).put("steps", new JsonArray().add(step)).put("best", step);
  }

  private static JsonObject connect() {
    return new JsonObject().put("established", 600L).put("failed", 0L).put("subscribed", 600L).put("seconds", 1.0)
        .put("perSecond", 600.0).put("subscribedSeconds", 1.1).put("serverCpuSeconds", 0.5);
  }

  @Test
  void aSingleNodeResultReadsAsBefore() {
    String text = Report.summary(result(step(), connect()));
    assertThat(text).startsWith("== s on herald: 600 subscribers")
        .doesNotContain("node").doesNotContain("event bus");
    assertThat(Report.stepLine(step())).endsWith("client CPU 0.80 s  PASS");
  }

  @Test
  void theConnectLineSaysWhatTheJitAndTheCollectorTookAndWhetherTheWarmUpQuietedTheJit() {
    JsonObject r = result(step(), connect().put("serverJitCpuSeconds", 0.08)
        .put("gc", new JsonObject().put("pauses", 2L).put("pauseMs", 61.5))).put("warmupConnections", 120000L)
        .put("warmupJit", new JsonObject().put("rounds", 8).put("quiet", true).put("lastRoundJitMs", 40.0));
    assertThat(Report.summary(r)).contains("server CPU 0.50 s (JIT 0.08 s); GC 2 pauses 61.5 ms")
        .contains("warm-up: 120000 connections in 8 rounds, the JIT quiet in the last");
    r.getJsonObject("warmupJit").put("quiet", false).put("lastRoundJitMs", 90.0);
    assertThat(Report.summary(r)).contains("the JIT still compiling (90.0 ms in the last round)");
    assertThat(Report.summary(result(step(), connect()))).doesNotContain("JIT").doesNotContain("warm-up");
  }

  @Test
  void theWarmUpLineSaysWhetherTheGeneratorsJitWasQuietForAServerWithoutAJitToo() {
    JsonObject herald = result(step(), connect()).put("warmupConnections", 54000L).put("warmupJit",
        new JsonObject().put("rounds", 3).put("quiet", true).put("lastRoundJitMs", 20.0).put("clientQuiet", false)
            .put("lastRoundClientJitMs", 70.0));
    assertThat(Report.summary(herald)).contains("warm-up: 54000 connections in 3 rounds, the JIT quiet in the last; "
        + "the generator's JIT still compiling (70.0 ms in the last round)\n");
    JsonObject nchan = result(step(), connect()).put("warmupConnections", 54000L).put("warmupJit",
        new JsonObject().put("rounds", 3).put("clientQuiet", true).put("lastRoundClientJitMs", 40.0));
    assertThat(Report.summary(nchan))
        .contains("warm-up: 54000 connections in 3 rounds, the generator's JIT quiet in the last\n");
  }

  @Test
  void aLossComesWithWhereItWent() {
    JsonObject clean = step().put("silentSubscribers", 0L).put("closedConnections", 0L)
        .put("server", new JsonObject().put("connectionsClosed", 0L).put("dropped", 0L).put("catchUpSwitches", 0L)
            .put("limitHits", 0L).put("historyReads", 0L).put("historyReadFailures", 0L).put("committed", 40L)
            .put("delivered", 400L));
    assertThat(Report.lossClues(clean)).isEmpty();
    assertThat(Report.stepLine(clean)).endsWith("client CPU 0.80 s  PASS");
    JsonObject lossy = clean.copy().put("loss", 400L).put("silentSubscribers", 10L).put("pass", false);
    lossy.getJsonObject("server").put("catchUpSwitches", 10L).put("historyReads", 12L).put("historyReadFailures", 2L);
    assertThat(Report.stepLine(lossy)).contains("silent subscribers 10, closed by the server 0  ")
        .contains("server: closed 0, dropped 0, catch-up 10, limit hits 0, history reads 12 (2 failed)  ")
        .contains("server committed 40, delivered 400  ")
        .endsWith("FAIL");
    JsonObject oneChannel = lossy.copy()
        .put("silentChannels", BenchMain.silentChannelNames(new TreeSet<>(List.of(57)), "thread:b"));
    assertThat(Report.stepLine(oneChannel)).contains("silent subscribers 10 on 1 channel (thread:b57), closed by");
    SortedSet<Integer> many = new TreeSet<>();
    for (int k = 20; k > 0; k--) {
      many.add(k);
    }
    JsonObject manyChannels = lossy.copy().put("silentChannels", BenchMain.silentChannelNames(many, "c"));
    assertThat(manyChannels.getJsonObject("silentChannels").getJsonArray("first")).hasSize(10);
    assertThat(Report.stepLine(manyChannels))
        .contains("silent subscribers 10 on 20 channels (c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, …), closed by");
  }

  @Test
  void anotherTransportIsNamedInTheHeading() {
    assertThat(Report.summary(result(step(), connect()).put("transport", "sockjs")))
        .startsWith("== s on herald over sockjs: 600 subscribers");
  }

  @Test
  void aClusterResultShowsEachNodeAndTheEventBus() {
    JsonObject step = step().put("serverCpuSecondsPerNode", new JsonArray().add(0.4).add(0.5).add(0.3))
        .put("eventBus", new JsonObject().put("bytesWritten", 50000L).put("messagesWritten", 200L)
            .put("bytesRead", 50000L).put("bytesPerMessage", 500.0).put("bytesPerBusMessage", 250.0)
            .put("bytesWrittenPerNode", new JsonArray().add(20000L).add(15000L).add(15000L)));
    JsonObject r = result(step, connect().put("establishedPerNode", new JsonArray().add(200L).add(200L).add(200L)))
        .put("nodes", 3);
    String text = Report.summary(r);
    assertThat(text).startsWith("== s on herald (3 nodes): 600 subscribers")
        .contains("per node 200, 200, 200")
        .contains("event bus 500 B/msg  PASS")
        .contains("server CPU per node 0.40, 0.50, 0.30 s; event bus 50000 bytes in 200 messages written "
            + "(250 B each), 50000 read; written per node 20000, 15000, 15000");
  }

  @Test
  void memoryIsShownPerNode() {
    JsonObject node = new JsonObject().put("port", 9001).put("pid", 42L).put("connections", 1000L)
        .put("rssBeforeBytes", 100L << 20).put("rssAfterBytes", 110L << 20).put("rssPerConnectionBytes", 10485L);
    JsonObject r = new JsonObject().put("scenario", "idle").put("target", "herald").put("commit", "c")
        .put("jdk", "j").put("cpus", 2).put("serverFlags", "f").put("subscribers", 3000).put("channels", 100)
        .put("nodes", 3).put("memory", new JsonObject().put("rssBeforeBytes", 300L << 20)
            .put("rssAfterBytes", 330L << 20).put("rssPerConnectionBytes", 10485L)
            .put("nodes", new JsonArray().add(node)));
    assertThat(Report.summary(r))
        .contains("   server RSS 300.0 MB -> 330.0 MB after full GC: 10485 bytes/connection\n")
        .contains("     node 1 (port 9001, pid 42, 1000 connections): RSS 100.0 MB -> 110.0 MB after full GC: "
            + "10485 bytes/connection\n");
  }

  @Test
  void eachMessagesFirstDeliveryIsShownAndCompared() {
    JsonObject step = step().put("firstDeliveryMs", new JsonObject().put("messages", 300L).put("p50", 0.6)
        .put("p99", 5.9).put("max", 6.2));
    assertThat(Report.stepLine(step)).contains("max     5.00 ms  first p50 0.60 p99 5.90 ms  server CPU");
    JsonObject other = step().put("firstDeliveryMs", new JsonObject().put("messages", 300L).put("p50", 0.3)
        .put("p99", 2.95).put("max", 3.0));
    assertThat(Report.rows(result(step, connect()), result(other, connect())))
        .filteredOn(r -> r.name().startsWith("first delivery p99"))
        .singleElement().satisfies(r -> {
          assertThat(r.a()).isEqualTo(5.9);
          assertThat(r.b()).isEqualTo(2.95);
        });
    assertThat(Report.stepLine(step().put("firstDeliveryMs", new JsonObject().put("messages", 0L))))
        .contains("max     5.00 ms  server CPU");
  }

  @Test
  void theServersOwnLatencyAndTheKernelsDropsAreShownWhenReported() {
    JsonObject step = step().put("server", new JsonObject().put("connectionsClosed", 0L).put("dropped", 0L)
        .put("catchUpSwitches", 0L).put("limitHits", 0L).put("acceptToSocketMs", new JsonObject()
            .put("deliveries", 1000L).put("p50", 1.0).put("p99", 16.777).put("p999", null)));
    assertThat(Report.stepLine(step)).contains("max     5.00 ms  server p99 ≤16.8 p99.9 >30000 ms  server CPU");
    step.put("kernel", new JsonObject().put("backlogDrops", 12L).put("timeSqueezes", 0L).put("tcpRetransmits", 40L)
        .put("tcpLossProbes", 38L).put("tcpTimeouts", 1L));
    assertThat(Report.stepLine(step)).contains("kernel: backlog drops 12, TCP retransmits 40 (loss probes 38, "
        + "timeouts 1)  ");
    step.put("kernel", new JsonObject().put("backlogDrops", 0L).put("timeSqueezes", 3L).put("tcpRetransmits", 0L)
        .put("tcpLossProbes", 0L).put("tcpTimeouts", 0L));
    assertThat(Report.stepLine(step)).doesNotContain("kernel:");
    assertThat(Report.stepLine(step())).doesNotContain("server p99").doesNotContain("kernel:")
        .doesNotContain("waited for a CPU");
    step.put("serverRunQueueWaitSeconds", 0.25).put("clientRunQueueWaitSeconds", 1.5);
    assertThat(Report.stepLine(step)).contains("waited for a CPU: server 0.25 s, clients 1.50 s  ");
  }

  @Test
  void anIngestStepShowsWhatRedisDidAndWaited() {
    JsonObject ingest = new JsonObject().put("postsPerSecond", 8000.0).put("drainSeconds", 0.25)
        .put("deadLettered", 0L).put("redisCalls", new JsonObject().put("scripts", 1600L)
            .put("postsPerScript", 50.0).put("microsPerScript", 812.4));
    assertThat(Report.stepLine(step().put("ingest", ingest))).contains("ingest 8000 posts/s, drained 0.25 s after, "
        + "dead 0  redis scripts 1600 (50.0 posts, 812 us each)  ");
    ingest.put("redisCalls", new JsonObject().put("scripts", 0L).putNull("postsPerScript"));
    assertThat(Report.stepLine(step().put("ingest", ingest))).doesNotContain("redis scripts");
    assertThat(Report.stepLine(step().put("redisCpuSeconds", 4.2).put("redisRunQueueWaitSeconds", 1.1)))
        .contains("redis CPU 4.20 s, waited for a CPU 1.10 s  PASS");
    assertThat(Report.stepLine(step().put("redisCpuSeconds", 4.2))).contains("redis CPU 4.20 s  PASS");
  }

  @Test
  void theHighestSustainedStepOfAnIngestRunNamesItsPostsThroughTheIngest() {
    assertThat(Report.sustained(step())).isEqualTo("10000 deliveries/s at 100 msg/s");
    JsonObject ingest = new JsonObject().put("postsPerSecond", 23973.4);
    assertThat(Report.sustained(step().put("ingest", ingest)))
        .isEqualTo("10000 deliveries/s at 100 msg/s, 23973 posts/s through ingest");
    assertThat(Report.sustained(step().put("deliveriesPerSecond", 0.0).put("rate", 24000.0).put("ingest", ingest)))
        .isEqualTo("23973 posts/s through ingest at 24000 posts/s sent");
  }

  @Test
  void thePublishersPoolWaitIsShownOnlyWhenARequestWaited() {
    JsonObject waited = step().put("publishPoolWaitMs", new JsonObject().put("requests", 300L).put("p50", 0.0)
        .put("p99", 1.25).put("max", 4.5));
    assertThat(Report.stepLine(waited)).contains("max     5.00 ms  pool wait p99 1.25 max 4.50 ms  server CPU");
    JsonObject neverWaited = step().put("publishPoolWaitMs", new JsonObject().put("requests", 300L).put("p50", 0.0)
        .put("p99", 0.0).put("max", 0.0));
    assertThat(Report.stepLine(neverWaited)).contains("max     5.00 ms  server CPU");
    assertThat(Report.stepLine(step().put("publishPoolWaitMs", new JsonObject().put("requests", 0L))))
        .contains("max     5.00 ms  server CPU");
  }

  @Test
  void serverAndGeneratorCpuPerDeliveryAreComparedTogether() {
    JsonObject other = step().put("serverCpuPerDeliveryNs", 9000.0).put("serverCpuSeconds", 0.9)
        .put("clientCpuSeconds", 1.5);
    assertThat(Report.rows(result(step(), connect()), result(other, connect())))
        .filteredOn(r -> r.name().equals("server+generator CPU ns/delivery @100 msg/s"))
        .singleElement().satisfies(r -> {
          assertThat(r.a()).isCloseTo(20000.0, offset(1e-6));
          assertThat(r.b()).isCloseTo(24000.0, offset(1e-6));
        });
    assertThat(Report.withGenerator(step().put("serverCpuSeconds", 0.0).put("serverCpuPerDeliveryNs", 0.0)))
        .isNull();
  }

  @Test
  void theMachinesBusyTimeIsShownAndComparedWhenBothSidesHaveIt() {
    JsonObject step = step().put("machineCpuSeconds", 2.4).put("softirqThreadCpuSeconds", 0.1);
    assertThat(Report.stepLine(step)).contains("client CPU 0.80 s  machine CPU 2.40 s (ksoftirqd 0.10 s)  PASS");
    JsonObject other = step().put("machineCpuSeconds", 1.8).put("softirqThreadCpuSeconds", 0.0);
    assertThat(Report.rows(result(step, connect()), result(other, connect())))
        .filteredOn(r -> r.name().equals("machine CPU ns/delivery @100 msg/s"))
        .singleElement().satisfies(r -> {
          assertThat(r.a()).isCloseTo(24000.0, offset(1e-6));
          assertThat(r.b()).isCloseTo(18000.0, offset(1e-6));
        });
    assertThat(Report.rows(result(step, connect()), result(step(), connect()))).extracting(Report.Row::name)
        .doesNotContain("machine CPU ns/delivery @100 msg/s");
    assertThat(Report.stepLine(step())).doesNotContain("machine CPU");
  }

  @Test
  void theConnectLineSaysWhatTheGeneratorAndTheMachineSpentAndAnyResends() {
    JsonObject c = connect().put("clientCpuSeconds", 1.25).put("clientJitCpuSeconds", 0.4)
        .put("machineCpuSeconds", 3.5).put("softirqThreadCpuSeconds", 0.12)
        .put("kernel", new JsonObject().put("backlogDrops", 0L).put("tcpRetransmits", 0L).put("tcpTimeouts", 0L));
    assertThat(Report.summary(result(step(), c)))
        .contains("server CPU 0.50 s; client CPU 1.25 s (JIT 0.40 s); machine CPU 3.50 s (ksoftirqd 0.12 s)\n")
        .doesNotContain("resends");
    c.getJsonObject("kernel").put("tcpRetransmits", 31L).put("tcpTimeouts", 2L);
    assertThat(Report.summary(result(step(), c))).contains("(ksoftirqd 0.12 s); 31 TCP resends (2 timeouts)\n");
    assertThat(Report.summary(result(step(), connect()))).doesNotContain("client CPU 1").doesNotContain("machine");
  }

  @Test
  void theGeneratorsAndTheMachinesCpuPerConnectionAreComparedBesideTheServers() {
    JsonObject warm = result(step(), connect().put("clientCpuSeconds", 1.2).put("clientJitCpuSeconds", 0.4)
        .put("machineCpuSeconds", 3.0).put("softirqThreadCpuSeconds", 0.1)).put("warmupConnections", 45000L);
    JsonObject other = result(step(), connect().put("clientCpuSeconds", 0.9).put("clientJitCpuSeconds", 0.4)
        .put("machineCpuSeconds", 2.4).put("softirqThreadCpuSeconds", 0.1)).put("warmupConnections", 45000L);
    List<Report.Row> rows = Report.rows(warm, other);
    assertThat(rows).filteredOn(r -> r.name().equals("client CPU µs/connection")).singleElement()
        .satisfies(r -> {
          assertThat(r.a()).isCloseTo(2000.0, offset(0.01));
          assertThat(r.b()).isCloseTo(1500.0, offset(0.01));
        });
    assertThat(rows).filteredOn(r -> r.name().equals("machine CPU µs/connection")).singleElement()
        .satisfies(r -> {
          assertThat(r.a()).isCloseTo(5000.0, offset(0.01));
          assertThat(r.b()).isCloseTo(4000.0, offset(0.01));
        });
    // Runs of a generator from before the counts: no rows rather than a ratio of nothing.
    assertThat(Report.rows(warm, result(step(), connect()).put("warmupConnections", 45000L)))
        .extracting(Report.Row::name).doesNotContain("client CPU µs/connection", "machine CPU µs/connection");
  }

  @Test
  void serverCpuPerConnectionIsComparedOnlyAfterAWarmUp() {
    JsonObject warm = result(step(), connect()).put("warmupConnections", 45000L);
    JsonObject other = result(step(), connect().put("serverCpuSeconds", 0.25));
    assertThat(Report.rows(warm, other.copy().put("warmupConnections", 45000L)))
        .filteredOn(r -> r.name().equals("server CPU µs/connection"))
        .singleElement().satisfies(r -> {
          assertThat(r.a()).isCloseTo(833.33, offset(0.01));
          assertThat(r.b()).isCloseTo(416.67, offset(0.01));
        });
    assertThat(Report.rows(result(step(), connect()), other)).extracting(Report.Row::name)
        .doesNotContain("server CPU µs/connection");
  }

  @Test
  void aChurnBeforeTheMeasuredSubscribersIsShownOnlyWhenThereWasOne() {
    JsonObject r = result(step(), connect()).put("churn", new JsonObject().put("connections", 44_990L)
        .put("failed", 10L).put("subscribed", 44_990L).put("rounds", 3).put("seconds", 21.4)
        .put("serverCpuSeconds", 9.25));
    assertThat(Report.summary(r)).contains("churn: 44990 connections came and went first, in 3 rounds "
        + "(44990 subscribed, 10 failed), 21.4 s, server CPU 9.25 s\n");
    r.getJsonObject("churn").put("serverConnectCpuSeconds", 2.5);
    assertThat(Report.summary(r)).contains("server CPU 9.25 s (2.50 s while connecting)\n");
    assertThat(Report.summary(result(step(), connect()))).doesNotContain("churn");
  }

  @Test
  void theJitsShareAndItsSettlingAreShown() {
    JsonObject step = step().put("serverSysCpuSeconds", 0.6).put("serverJitCpuSeconds", 0.3);
    assertThat(Report.stepLine(step)).contains("(1.20 s, sys 50%, JIT 0.30 s)");
    assertThat(Report.stepLine(step().put("serverSysCpuSeconds", 0.6).put("serverJitCpuSeconds", 0.0)))
        .contains("(1.20 s, sys 50%)");
    JsonObject settled = result(step(), connect()).put("jitSettle",
        new JsonObject().put("seconds", 6.5).put("rounds", 2).put("quiet", true).put("lastRoundJitMs", 10.0));
    assertThat(Report.summary(settled)).contains("JIT settle: 2 rounds, 6.5 s more warm-up, then quiet");
    JsonObject busy = result(step(), connect()).put("jitSettle",
        new JsonObject().put("seconds", 61.0).put("rounds", 14).put("quiet", false).put("lastRoundJitMs", 120.0));
    assertThat(Report.summary(busy))
        .contains("JIT settle: 14 rounds, 61.0 s more warm-up, still compiling (120.0 ms in its last round)");
  }

  @Test
  void roundsArePairedInOrderAndEachFigureGivesTheMediansAndTheSpreadOfThePairsRatios() {
    JsonObject h1 = result(step(), connect().put("perSecond", 600.0));
    JsonObject h2 = result(step(), connect().put("perSecond", 900.0))
        .put("memory", new JsonObject().put("rssPerConnectionBytes", 800.0));
    JsonObject n1 = result(step(), connect().put("perSecond", 500.0));
    JsonObject n2 = result(step(), connect().put("perSecond", 1000.0))
        .put("memory", new JsonObject().put("rssPerConnectionBytes", 10000.0));

    List<Report.PairedRow> rows = Report.pairedRows(List.of(h1, h2), List.of(n1, n2));

    Report.PairedRow connects = rows.stream().filter(r -> r.name().equals("connects/s")).findFirst().orElseThrow();
    // Ratios 1.2 and 0.9 within the pairs; the medians' own ratio would be 1.0.
    assertThat(connects.a()).isEqualTo(750.0);
    assertThat(connects.b()).isEqualTo(750.0);
    assertThat(connects.ratio()).isCloseTo(1.05, offset(1e-9));
    assertThat(connects.lowest()).isCloseTo(0.9, offset(1e-9));
    assertThat(connects.highest()).isCloseTo(1.2, offset(1e-9));
    assertThat(connects.pairs()).isEqualTo(2);
    assertThat(connects.better()).isEqualTo("higher");
    Report.PairedRow memory = rows.stream().filter(r -> r.name().startsWith("RSS")).findFirst().orElseThrow();
    assertThat(memory.pairs()).isEqualTo(1);
    assertThat(memory.ratio()).isCloseTo(0.08, offset(1e-9));
    assertThat(rows.get(0).name()).isEqualTo("connections established");
  }

  @Test
  void aPairWithoutTheSecondFigureHasNoRatio() {
    List<Report.PairedRow> rows = Report.pairedRows(List.of(result(step(), connect())),
        List.of(result(step(), connect().put("perSecond", 0.0))));
    Report.PairedRow connects = rows.stream().filter(r -> r.name().equals("connects/s")).findFirst().orElseThrow();
    assertThat(connects.ratio()).isNull();
    assertThat(connects.lowest()).isNull();
    assertThat(Report.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(Report.median(List.of())).isNull();
  }

  @Test
  void theMachineProbeIsShownBesideAStepAndComparedAsTheMachineNotAsAServer() {
    assertThat(Report.stepLine(step())).doesNotContain("machine probe");
    JsonObject probed = step().put("machineProbeMs", new JsonObject().put("before", 18.25).put("after", 30.0));
    assertThat(Report.stepLine(probed)).contains("machine probe 18.3/30.0 ms  ");
    JsonObject during = probed.copy().put("machineProbeDuringStep", new JsonObject()
        .put("runs", 2).put("arithmeticCpuMs", ProbeDuringStep.figures(List.of(12.0, 6.54))));
    assertThat(Report.stepLine(during)).contains("machine probe 18.3/30.0 ms (during: arithmetic 6.5 ms CPU)  ");
    JsonObject loopback = during.copy().put("loopbackProbeCpuMs", new JsonObject().put("before", 101.0)
        .put("after", 99.5));
    assertThat(Report.stepLine(loopback)).contains(
        "machine probe 18.3/30.0 ms, loopback 101.0/99.5 ms CPU (during: arithmetic 6.5 ms CPU)  ");
    JsonObject h = result(probed, connect());
    JsonObject n = result(step().put("machineProbeMs", new JsonObject().put("before", 20.0).put("after", 20.0)),
        connect());
    Report.Row row = Report.rows(h, n).stream().filter(r -> r.name().startsWith("machine probe")).findFirst()
        .orElseThrow();
    assertThat(row.name()).isEqualTo("machine probe ms @100 msg/s");
    assertThat(row.a()).isEqualTo(24.125);
    assertThat(row.b()).isEqualTo(20.0);
    assertThat(row.better()).isEqualTo("(the machine)");
  }

  @Test
  void aStepFigureIsPairedAtEachPairsOwnRateWhenTheHighestCommonRateDiffers() {
    JsonObject h1 = result(step().put("rate", 12.0).put("serverCpuPerDeliveryNs", 5000.0), connect());
    JsonObject n1 = result(step().put("rate", 12.0).put("serverCpuPerDeliveryNs", 10000.0), connect());
    JsonObject h2 = result(step().put("rate", 14.0).put("serverCpuPerDeliveryNs", 6000.0), connect());
    JsonObject n2 = result(step().put("rate", 14.0).put("serverCpuPerDeliveryNs", 8000.0), connect());

    List<Report.PairedRow> rows = Report.pairedRows(List.of(h1, h2), List.of(n1, n2));

    Report.PairedRow cpu = rows.stream().filter(r -> r.name().startsWith("server CPU ns/delivery")).findFirst()
        .orElseThrow();
    assertThat(cpu.name()).isEqualTo("server CPU ns/delivery @each pair's rate");
    assertThat(cpu.pairs()).isEqualTo(2);
    assertThat(cpu.lowest()).isCloseTo(0.5, offset(1e-9));
    assertThat(cpu.highest()).isCloseTo(0.75, offset(1e-9));
    assertThat(rows.stream().filter(r -> r.name().startsWith("latency p99 "))).hasSize(1);
    Report.PairedRow same = Report.pairedRows(List.of(h1), List.of(n1)).stream()
        .filter(r -> r.name().startsWith("server CPU ns/delivery")).findFirst().orElseThrow();
    assertThat(same.name()).isEqualTo("server CPU ns/delivery @12 msg/s");
  }

  private static JsonObject probed(double cpuNs, double walkBefore, double walkAfter, double loopback) {
    return step().put("serverCpuPerDeliveryNs", cpuNs)
        .put("latencyMs", step().getJsonObject("latencyMs").copy().put("p50", cpuNs / 1000))
        .put("machineProbeMs", new JsonObject().put("before", walkBefore).put("after", walkAfter))
        .put("loopbackProbeCpuMs", new JsonObject().put("before", 33.0).put("after", loopback));
  }

  private static JsonObject withSteps(JsonObject... steps) {
    JsonArray all = new JsonArray();
    for (JsonObject s : steps) {
      all.add(s);
    }
    return result(steps[steps.length - 1], connect()).put("steps", all);
  }

  private static Report.Row row(List<Report.Row> rows, String name) {
    return rows.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
  }

  private static void assertFigures(List<Report.Row> rows, String name, Double herald, Double nchan) {
    Report.Row r = row(rows, name);
    assertThat(r.a()).as(name).isEqualTo(herald);
    assertThat(r.b()).as(name).isEqualTo(nchan);
  }

  @Test
  void aRepeatedRateIsAlsoComparedByTheMedianOfItsPassedSteps() {
    JsonObject h = withSteps(step().put("serverCpuPerDeliveryNs", 5000.0), step().put("serverCpuPerDeliveryNs", 9000.0),
        step().put("serverCpuPerDeliveryNs", 6000.0), step().put("serverCpuPerDeliveryNs", 7000.0));
    JsonObject n = withSteps(step().put("serverCpuPerDeliveryNs", 10000.0),
        step().put("serverCpuPerDeliveryNs", 30000.0).put("pass", false));

    List<Report.Row> rows = Report.rows(h, n);

    assertThat(row(rows, "server CPU ns/delivery @100 msg/s").a()).isEqualTo(7000.0); // the last pair, as before
    assertFigures(rows, "steps passed @100 msg/s", 4.0, 1.0);
    assertFigures(rows, "server CPU ns/delivery, steps' median @100 msg/s", 6500.0, 10000.0);
    assertThat(row(rows, "latency p50 ms, steps' median @100 msg/s").a()).isEqualTo(1.0);
    assertThat(Report.rows(result(step(), connect()), result(step(), connect()))).extracting(Report.Row::name)
        .noneMatch(name -> name.contains("median") || name.contains("steps passed"));
  }

  @Test
  void onlyStepsWhoseProbesReadNearTheRunsFastestCountAsQuiet() {
    // Floors over both servers' steps: walk 20 ms, loopback 33 ms; quiet up to 28 ms and 39.6 ms.
    JsonObject h = withSteps(probed(5000, 20, 27.5, 39), probed(9000, 20, 29, 35), probed(6000, 21, 22, 33),
        probed(8000, 21, 22, 40));
    JsonObject n = withSteps(probed(12000, 22, 23, 34), probed(20000, 60, 22, 34));

    List<Report.Row> rows = Report.rows(h, n);

    assertFigures(rows, "quiet steps passed @100 msg/s", 2.0, 1.0);
    assertFigures(rows, "server CPU ns/delivery, quiet steps' median @100 msg/s", 5500.0, 12000.0);
    assertThat(row(rows, "latency p50 ms, quiet steps' median @100 msg/s").a()).isEqualTo(5.5);
    assertThat(row(rows, "server CPU ns/delivery, steps' median @100 msg/s").a()).isEqualTo(7000.0);
  }

  @Test
  void withoutQuietStepsOrWithoutProbesThereIsNoQuietFigure() {
    JsonObject slow = withSteps(probed(5000, 20, 20, 33), probed(9000, 50, 50, 33));
    JsonObject fast = withSteps(probed(12000, 20, 20, 60));
    assertFigures(Report.rows(fast, slow), "server CPU ns/delivery, quiet steps' median @100 msg/s", null, 5000.0);
    List<Report.PairedRow> paired = Report.pairedRows(List.of(fast), List.of(slow));
    assertThat(paired).filteredOn(r -> r.name().startsWith("server CPU ns/delivery, quiet"))
        .singleElement().satisfies(r -> assertThat(r.ratio()).isNull());
    JsonObject unprobed = withSteps(step(), step());
    assertThat(Report.rows(unprobed, slow)).extracting(Report.Row::name).noneMatch(name -> name.contains("quiet"));
  }
}
