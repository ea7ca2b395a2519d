package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The counters as Linux 6.x prints them (lines shortened to the fields read and their neighbours). */
class KernelNetTest {

  private static final String SOFTNET = """
      28dfee87 000ed801 000000e7 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 \
      00000000 00000000 00000000
      28df4bf3 000bad1e 000000cb 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 \
      00000001 00000000 00000000
      """;
  private static final String SNMP = """
      Ip: Forwarding DefaultTTL InReceives
      Ip: 1 64 1371928000
      Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs \
      OutSegs RetransSegs InErrs OutRsts InCsumErrors
      Tcp: 1 200 120000 -1 5000 5000 0 0 12 1372000000 1372871931 816592 0 10 0
      Udp: InDatagrams NoPorts
      Udp: 10 0
      """;
  private static final String NETSTAT = """
      TcpExt: SyncookiesSent SyncookiesRecv TCPTimeouts TCPLossProbes TCPLossProbeRecovery
      TcpExt: 0 0 3541 818752 4030
      IpExt: InNoRoutes InTruncatedPkts
      IpExt: 0 0
      """;

  @Test
  void readsTheBacklogDropsOfEveryCpuAndTcpsSendsAgain() {
    assertThat(KernelNet.parse(SOFTNET, SNMP, NETSTAT))
        .isEqualTo(new KernelNet.Counters(0xed801L + 0xbad1eL, 0xe7L + 0xcbL, 816592, 818752, 3541));
  }

  @Test
  void aCounterTheKernelDoesNotHaveCountsZero() {
    assertThat(KernelNet.parse("", "Tcp: RtoAlgorithm\nTcp: 1\n", "TcpExt: SyncookiesSent\nTcpExt: 0\n"))
        .isEqualTo(new KernelNet.Counters(0, 0, 0, 0, 0));
  }

  @Test
  void aStepIsTheDifference() {
    assertThat(new KernelNet.Counters(10, 5, 40, 30, 2).minus(new KernelNet.Counters(4, 5, 10, 9, 2)))
        .isEqualTo(new KernelNet.Counters(6, 0, 30, 21, 0));
  }

  @Test
  void thisMachinesCountersCanBeRead() {
    assumeTrue(Stream.of("softnet_stat", "snmp", "netstat").allMatch(f -> Files.isReadable(Path.of("/proc/net", f))),
        "no /proc/net counters here");
    KernelNet.Counters now = KernelNet.read();
    assertThat(now).isNotNull();
    assertThat(now.tcpRetransmits()).isNotNegative();
    assertThat(now.backlogDrops()).isNotNegative();
  }
}
