package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class FreePortTest {

  /** Below the ephemeral range (where the kernel leaves room for one) and bindable on loopback. */
  @Test
  void portIsBelowTheEphemeralRangeAndFreeOnLoopback() throws Exception {
    int low = FreePort.ephemeralLow();
    for (int i = 0; i < 20; i++) {
      int port = FreePort.pick();
      if (low - 1 - 10_000 >= 1_000) {
        assertThat(port).isBetween(10_000, low - 1);
      }
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress("127.0.0.1", port));
        assertThat(s.getLocalPort()).isEqualTo(port);
      }
    }
  }
}
