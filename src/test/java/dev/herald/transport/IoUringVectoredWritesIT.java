package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Frames queued on many sockets at once, on io_uring, as in an overloaded fan-out: each socket's queue leaves in
 * one vectored write. Netty's event loop gathers the vectors of all its writes of a turn in one array that takes at
 * most IOV_MAX (1,024) of them; sized larger (Netty's default), a write past that limit went to the kernel with no
 * vector, wrote 0 bytes and was written again, and an overloaded node spun on such writes. The kernel's count of
 * the ring's completions shows it: one or two writes per socket, not a cascade. Runs {@link VectoredWritesProbe}
 * in a fresh JVM, where {@code IoTransport} sets Netty's io_uring settings before anything looks at io_uring, as
 * in a node.
 */
class IoUringVectoredWritesIT {

  @Test
  void framesQueuedOnManySocketsInOneTurnLeaveInOneVectoredWriteEach() throws IOException, InterruptedException {
    // Its output goes to a file: a pipe nobody reads while it runs could fill and stop it.
    Path log = Files.createTempFile("vectored-writes-probe", ".log");
    Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), VectoredWritesProbe.class.getName())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean ended = probe.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      probe.destroyForcibly();
    }
    List<String> out = Files.readAllLines(log, StandardCharsets.UTF_8);
    Files.delete(log);
    assertThat(ended).as("the probe ended within 60 s: %s", out).isTrue();
    assertThat(probe.exitValue()).as("the probe's exit status: %s", out).isZero();
    // Netty may log around the probe's answer; the answer is its own line.
    String answer = out.stream().filter(l -> l.matches("\\d+") || l.startsWith("unavailable: "))
        .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no answer from the probe: " + out));
    if (answer.startsWith("unavailable: ")) {
      Assumptions.abort(answer);
    }
    long completions = Long.parseLong(answer);

    // A send and a vectored write per socket, a few more where the array filled mid-socket, and the loop's own
    // wake-ups; the spin of empty writes took thousands.
    assertThat(completions).as("io_uring completions for %d sockets", VectoredWritesProbe.SOCKETS)
        .isLessThan(3L * VectoredWritesProbe.SOCKETS);
  }
}
