package dev.herald.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A free TCP port on loopback for a server that a test starts later (a node process, a redis-server). It is chosen
 * below the kernel's ephemeral range: a port from {@code new ServerSocket(0)} lies inside it, and while the server
 * starts, any outgoing connection (Hazelcast members, event-bus peers, Redis clients) may get it as its local port.
 * A node's bind once failed there with "Address already in use" (ClusterFailoverIT, in a full run).
 */
public final class FreePort {

  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final int LOWEST = 10_000;
  /** Handed out before: two picks made before either server binds must not meet (random picks could). */
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

  private FreePort() {
  }

  /**
   * A port no socket holds now and not handed out before in this JVM, below the ephemeral range where the kernel
   * says where it is.
   */
  public static int pick() {
    int high = ephemeralLow() - 1;
    for (int attempt = 0; high - LOWEST >= 1_000 && attempt < 200; attempt++) {
      int port = LOWEST + ThreadLocalRandom.current().nextInt(high - LOWEST + 1);
      if (bindable(port) && GIVEN.add(port)) {
        return port;
      }
    }
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first port of the kernel's ephemeral range (Linux's default 32768 where it cannot be read). */
  private static int ephemeralLow() {
    try {
      // Line by line: Files.readString of this /proc file returned "3" here (JDK 17).
      return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException taken) {
      return false;
    }
  }
}
