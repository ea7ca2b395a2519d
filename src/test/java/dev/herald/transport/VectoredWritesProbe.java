package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.IoTransport;
import dev.herald.testing.Await;
import dev.herald.testing.Eventually;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * The scenario of {@link IoUringVectoredWritesIT}, in a JVM of its own: Netty reads its io_uring settings once, when
 * io_uring is first looked at, and in a test JVM an earlier test's Vert.x has already done so. Prints the number of
 * the ring's completions, or {@code unavailable: <why>} where io_uring cannot run; any failure ends it with status 1.
 */
final class VectoredWritesProbe {

  static final int SOCKETS = 300;
  private static final int FRAMES = 40;
  private static final int FRAME_BYTES = 64;

  private VectoredWritesProbe() {
  }

  public static void main(String[] args) {
    try {
      run();
      System.exit(0);
    } catch (Throwable t) {
      t.printStackTrace(System.out);
      System.exit(1);
    }
  }

  private static void run() throws IOException {
    // First, as a node does: the settings must be in place before Netty looks at io_uring.
    IoTransport.Choice ioUring;
    try {
      ioUring = IoTransport.choose("io_uring");
    } catch (IllegalStateException notHere) {
      System.out.println("unavailable: " + notHere.getMessage());
      return;
    }
    List<Socket> clients = new ArrayList<>();
    // One event loop, so every socket's writes share one turn and one vector array.
    Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(1)).withTransport(ioUring.transport())
        .build();
    List<NetSocket> accepted = Collections.synchronizedList(new ArrayList<>());
    NetServer server = Await.of(vertx.createNetServer().connectHandler(accepted::add).listen(0, "127.0.0.1"), 10);
    for (int i = 0; i < SOCKETS; i++) {
      Socket s = new Socket("127.0.0.1", server.actualPort());
      s.setSoTimeout(10_000);
      clients.add(s);
    }
    Eventually.within(10, () -> assertThat(accepted).hasSize(SOCKETS));
    List<String> ring = rings();
    assertThat(ring).as("the io_uring rings of the probe's Vert.x").isNotEmpty();
    long before = completions(ring);

    // In one task: each socket's first frame goes to the ring, the others queue behind it and leave together
    // once it completes, SOCKETS * (FRAMES - 1) vectors in one turn, far past IOV_MAX.
    Await.on(vertx.getOrCreateContext(), () -> {
      for (int i = 0; i < SOCKETS; i++) {
        for (int f = 0; f < FRAMES; f++) {
          accepted.get(i).write(frame(f));
        }
      }
      return null;
    });
    byte[] expected = new byte[FRAMES * FRAME_BYTES];
    for (int f = 0; f < FRAMES; f++) {
      System.arraycopy(frame(f).getBytes(), 0, expected, f * FRAME_BYTES, FRAME_BYTES);
    }
    for (Socket s : clients) {
      assertThat(readFully(s.getInputStream(), expected.length)).isEqualTo(expected);
    }
    System.out.println(completions(ring) - before);
  }

  private static Buffer frame(int f) {
    byte[] b = new byte[FRAME_BYTES];
    Arrays.fill(b, (byte) ('a' + f % 26));
    return Buffer.buffer(b);
  }

  private static byte[] readFully(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    assertThat(b).as("bytes received before the stream ended").hasSize(n);
    return b;
  }

  /** The descriptors of the process's io_uring rings. */
  private static List<String> rings() throws IOException {
    List<String> rings = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          if (Files.readSymbolicLink(fd).toString().contains("io_uring")) {
            rings.add(fd.getFileName().toString());
          }
        } catch (IOException gone) {
          // closed while listed
        }
      }
    }
    return rings;
  }

  /** The completions of the rings {@code fds}, as the kernel counts them ({@code CqTail}). */
  private static long completions(List<String> fds) throws IOException {
    long total = 0;
    for (String fd : fds) {
      for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo", fd))) {
        if (line.startsWith("CqTail:")) {
          total += Long.parseLong(line.substring("CqTail:".length()).trim());
        }
      }
    }
    return total;
  }
}
