package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

  private static BenchOptions parse(String... args) {
    return BenchOptions.parse(args, 0);
  }

  @Test
  void onePortAndOnePidAsBefore() {
    BenchOptions o = parse("--port", "8081", "--server-pid", "1234");
    assertThat(o.ports()).containsExactly(8081);
    assertThat(o.serverPids()).containsExactly(1234L);
    assertThat(o.metricsUrls()).isEmpty();
  }

  @Test
  void postEntriesGoToThreadChannelsUnlessTold() {
    assertThat(parse().entry()).isEqualTo("publish");
    assertThat(parse().channelPrefix()).isEqualTo("bench:");
    assertThat(parse("--entry", "post").channelPrefix()).isEqualTo("thread:b");
    assertThat(parse("--entry", "post", "--channel-prefix", "thread:x").channelPrefix()).isEqualTo("thread:x");
    assertThatThrownBy(() -> parse("--entry", "vote").entry()).hasMessageContaining("--entry");
    assertThat(parse().warmupPublishes()).isZero();
    assertThat(parse().maxDrainSeconds()).isEqualTo(1.0);
  }

  @Test
  void theClientsTransportIsChosenLikeTheNodes() {
    assertThat(parse().clientIo()).isEqualTo("auto");
    assertThat(parse("--client-io", "epoll").clientIo()).isEqualTo("epoll");
    assertThatThrownBy(() -> parse("--client-io", "kqueue").clientIo()).hasMessageContaining("--client-io")
        .hasMessageContaining("kqueue");
  }

  @Test
  void withoutPortOrPidTheDefaultsHold() {
    BenchOptions o = parse();
    assertThat(o.ports()).containsExactly(8080);
    assertThat(o.serverPids()).isEmpty();
    assertThat(parse("--server-pid", "0").serverPids()).isEmpty();
  }

  @Test
  void commaSeparatedPortsPidsAndUrlsKeepTheirOrder() {
    BenchOptions o = parse("--port", "9003, 9001,9002", "--server-pid", "30,10,20", "--metrics-urls",
        "http://127.0.0.1:9003/metrics,http://127.0.0.1:9001/metrics,");
    assertThat(o.ports()).containsExactly(9003, 9001, 9002);
    assertThat(o.serverPids()).containsExactly(30L, 10L, 20L);
    assertThat(o.metricsUrls()).containsExactly("http://127.0.0.1:9003/metrics", "http://127.0.0.1:9001/metrics");
  }

  @Test
  void severalPidsMustMatchThePorts() {
    assertThatThrownBy(() -> parse("--port", "9001,9002,9003", "--server-pid", "10,20").serverPids())
        .hasMessageContaining("2 PIDs for 3 ports");
    // One PID for several ports is one server listening on all of them: summed, not per node.
    assertThat(parse("--port", "9001,9002", "--server-pid", "10").serverPids()).containsExactly(10L);
  }

  @Test
  void badPortsAreRejected() {
    assertThatThrownBy(() -> parse("--port", "9001,70000").ports()).hasMessageContaining("not 70000");
    assertThatThrownBy(() -> parse("--port", "9001,x").ports()).isInstanceOf(NumberFormatException.class);
  }

  @Test
  void revisitsAndTheirGapArePositive() {
    assertThat(parse().visits()).isEqualTo(40);
    assertThat(parse("--gap-ms", "500").gapMs()).isEqualTo(500);
    assertThatThrownBy(() -> parse("--visits", "0").visits()).hasMessageContaining("--visits must be above 0");
  }

  @Test
  void churnIsNoneUnlessToldAndNeverNegative() {
    assertThat(parse().churnConnections()).isZero();
    assertThat(parse("--churn-connections", "45000").churnConnections()).isEqualTo(45_000);
    assertThatThrownBy(() -> parse("--churn-connections", "-1").churnConnections())
        .hasMessageContaining("--churn-connections must be 0 or more, not -1");
  }

  @Test
  void ratesAreAList() {
    assertThat(parse("--rates", "5, 10,20.5").rates("1")).isEqualTo(List.of(5.0, 10.0, 20.5));
    assertThat(parse().rates("1,2")).isEqualTo(List.of(1.0, 2.0));
  }

  @Test
  void transportIsWsUnlessToldAndSockJsIsHeraldOnly() {
    assertThat(parse().transport()).isEqualTo(Transport.WS);
    assertThat(parse("--transport", "sockjs").transport()).isEqualTo(Transport.SOCKJS);
    assertThat(parse("--transport", "sse", "--target", "herald").transport()).isEqualTo(Transport.SSE);
    assertThat(parse("--target", "nchan", "--transport", "ws").transport()).isEqualTo(Transport.WS);
    assertThat(parse("--target", "nchan", "--transport", "sse").transport()).isEqualTo(Transport.SSE);
    assertThat(Transport.SSE.subscribePath(Target.NCHAN, "bench:3", 0)).isEqualTo("/sub/bench:3");
    assertThat(Transport.SSE.subscribePath(Target.HERALD, "bench:3", 0)).isEqualTo("/sse?channels=bench:3");
    assertThatThrownBy(() -> parse("--target", "nchan", "--transport", "sockjs").transport())
        .hasMessageContaining("takes ws or sse");
    assertThatThrownBy(() -> parse("--transport", "xhr").transport()).hasMessageContaining("not xhr");
  }
}
