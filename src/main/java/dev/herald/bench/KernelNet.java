package dev.herald.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The machine's network counters that explain a latency tail the processes cannot see, read from {@code /proc}
 * before and after a step. On loopback a sent segment goes through the per-CPU input backlog
 * ({@code net.core.netdev_max_backlog}); one that finds it full is dropped ({@code /proc/net/softnet_stat}, second
 * column) and reaches its subscriber only when TCP sends it again, after a loss probe or a retransmission timeout
 * (by Linux's rules about 200 ms when it was the socket's only segment in flight); a dropped acknowledgement is
 * not sent again (a later one covers it), so drops can far outnumber resends. TCP's counters
 * ({@code RetransSegs} of {@code /proc/net/snmp}, {@code TCPLossProbes} and {@code TCPTimeouts} of
 * {@code /proc/net/netstat}) count those sends again, and also the probes that were not needed (the data had
 * arrived, its acknowledgement was late). Machine-wide: server, clients and publisher together.
 */
final class KernelNet {

  private KernelNet() {
  }

  /** The counters at one moment; a step's are the difference of two. */
  record Counters(long backlogDrops, long timeSqueezes, long tcpRetransmits, long tcpLossProbes, long tcpTimeouts) {

    /** As a result's {@code kernel} object. */
    JsonObject json() {
      return new JsonObject().put("backlogDrops", backlogDrops).put("timeSqueezes", timeSqueezes)
          .put("tcpRetransmits", tcpRetransmits).put("tcpLossProbes", tcpLossProbes).put("tcpTimeouts", tcpTimeouts);
    }

    Counters minus(Counters before) {
      return new Counters(backlogDrops - before.backlogDrops, timeSqueezes - before.timeSqueezes,
          tcpRetransmits - before.tcpRetransmits, tcpLossProbes - before.tcpLossProbes,
          tcpTimeouts - before.tcpTimeouts);
    }
  }

  /** The counters now, or null where {@code /proc/net} cannot be read (not Linux). */
  static Counters read() {
    try {
      return parse(Files.readString(Path.of("/proc/net/softnet_stat")), Files.readString(Path.of("/proc/net/snmp")),
          Files.readString(Path.of("/proc/net/netstat")));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** From the three files' text; a counter a kernel does not have counts 0. */
  static Counters parse(String softnet, String snmp, String netstat) {
    long drops = 0;
    long squeezes = 0;
    for (String line : softnet.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 3) {
        drops += Long.parseLong(f[1], 16);
        squeezes += Long.parseLong(f[2], 16);
      }
    }
    Map<String, Long> tcp = table(snmp, "Tcp:");
    Map<String, Long> ext = table(netstat, "TcpExt:");
    return new Counters(drops, squeezes, tcp.getOrDefault("RetransSegs", 0L),
        ext.getOrDefault("TCPLossProbes", 0L), ext.getOrDefault("TCPTimeouts", 0L));
  }

  /** One protocol's counters of {@code /proc/net/snmp} or {@code /proc/net/netstat}: a line of names, then values. */
  private static Map<String, Long> table(String text, String prefix) {
    Map<String, Long> out = new HashMap<>();
    String[] names = null;
    for (String line : text.split("\n")) {
      if (!line.startsWith(prefix)) {
        continue;
      }
      String[] f = line.substring(prefix.length()).trim().split("\\s+");
      if (names == null) {
        names = f;
      } else {
        for (int i = 0; i < Math.min(names.length, f.length); i++) {
          out.put(names[i], Long.parseLong(f[i]));
        }
        names = null;
      }
    }
    return out;
  }
}
