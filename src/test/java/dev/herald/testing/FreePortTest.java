package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.FileReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortTest {

  private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  /** Outside the kernel's ephemeral range (read here on its own), bindable on loopback, never given twice. */
  @Test
  void portIsBelowTheEphemeralRangeFreeOnLoopbackAndNotGivenTwice() throws Exception {
    assumeTrue(Files.isReadable(RANGE), "no " + RANGE + " here");
    String[] range;
    try (BufferedReader in = new BufferedReader(new FileReader(RANGE.toFile()))) {
      range = in.readLine().trim().split("\\s+");
    }
    int low = Integer.parseInt(range[0]);
    assumeTrue(low > 11_000, "the ephemeral range leaves no room below it");
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      int port = FreePort.pick();
      assertThat(seen.add(port)).as("port %d given twice", port).isTrue();
      assertThat(port).isBetween(10_000, low - 1);
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress("127.0.0.1", port));
        assertThat(s.getLocalPort()).isEqualTo(port);
      }
    }
  }
}
