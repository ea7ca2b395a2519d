package dev.herald.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.function.DoubleSupplier;

/**
 * A fixed piece of work timed on the generator's thread before and after each step, when no load runs: how fast
 * the machine was then ({@link ProbeDuringStep} times a chain of arithmetic during the step, and {@link
 * #loopbackCpuMillis} the kernel's loopback path). On a shared VM the same step has cost both server and client up
 * to twice the CPU from one run to the next; a probe that slows down with them says the machine did, one that does
 * not says the processes did.
 */
final class MachineProbe {

  /** 4 MB: more than a core's own caches, so the walk also reads memory. */
  private static final int SLOTS = 1 << 19;
  private static final int STEPS = 1_000_000;
  private static final int RUNS = 7;
  private static final long[] TABLE = new long[SLOTS];
  /** About 7 ms on the benchmark VM: each step waits for the one before (a multiply and an add). */
  private static final int ARITHMETIC_STEPS = 5_000_000;
  private static final int LOOPBACK_ROUNDS = 5_000;
  /** About a small message's frame. */
  private static final int LOOPBACK_BYTES = 200;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /** Written so the JIT cannot drop the work. */
  private static volatile long sink;

  static {
    for (int i = 0; i < SLOTS; i++) {
      TABLE[i] = i * 0x9E3779B97F4A7C15L;
    }
  }

  private MachineProbe() {
  }

  /** The median wall time of {@link #RUNS} runs of the same work, ms (the first runs include compiling it). */
  static double millis() {
    return medianOfRuns(() -> {
      long t0 = System.nanoTime();
      sink = walk();
      return (System.nanoTime() - t0) / 1e6;
    });
  }

  /**
   * The thread's CPU ms of a chain of multiplications that stays in registers: it rises with a slower core (a busy
   * hyperthread sibling, a lower clock, a vCPU the host stopped, which a guest without steal time counts as run), not
   * with the caches.
   */
  static double arithmeticCpuMillis() {
    long t0 = THREADS.getCurrentThreadCpuTime();
    long x = 1;
    for (int s = 0; s < ARITHMETIC_STEPS; s++) {
      x = x * 6364136223846793005L + s;
    }
    sink = x;
    return (THREADS.getCurrentThreadCpuTime() - t0) / 1e6;
  }

  /**
   * The thread's CPU ms (user and system) of {@link #LOOPBACK_ROUNDS} writes of {@link #LOOPBACK_BYTES} bytes over a
   * fresh loopback TCP connection, each read back on the other end by the same thread, the median of {@link #RUNS}
   * runs (the first ones include compiling it): the kernel's path of a delivery (a send, loopback's receive, a read)
   * without waiting or waking, so between steps, when no load runs, it rises when system calls or the kernel's TCP
   * cost more. A connection that fails gives NaN.
   */
  static double loopbackCpuMillis() {
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (SocketChannel out = SocketChannel.open(server.getLocalAddress()); SocketChannel in = server.accept()) {
        out.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ByteBuffer send = ByteBuffer.allocateDirect(LOOPBACK_BYTES);
        ByteBuffer receive = ByteBuffer.allocateDirect(LOOPBACK_BYTES);
        return medianOfRuns(() -> roundsCpuMillis(out, in, send, receive));
      }
    } catch (IOException | UncheckedIOException e) {
      return Double.NaN;
    }
  }

  /** The thread's CPU ms of {@link #LOOPBACK_ROUNDS} writes on {@code out}, each read back from {@code in}. */
  private static double roundsCpuMillis(SocketChannel out, SocketChannel in, ByteBuffer send, ByteBuffer receive) {
    long t0 = THREADS.getCurrentThreadCpuTime();
    try {
      for (int r = 0; r < LOOPBACK_ROUNDS; r++) {
        send.clear();
        while (send.hasRemaining()) {
          out.write(send);
        }
        receive.clear();
        while (receive.hasRemaining()) {
          in.read(receive);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return (THREADS.getCurrentThreadCpuTime() - t0) / 1e6;
  }

  /** The median of {@link #RUNS} runs of {@code run}, each timing the probe's work once, ms. */
  private static double medianOfRuns(DoubleSupplier run) {
    double[] ms = new double[RUNS];
    for (int r = 0; r < RUNS; r++) {
      ms[r] = run.getAsDouble();
    }
    Arrays.sort(ms);
    return ms[RUNS / 2];
  }

  /** A dependent random walk over the table: each slot read decides the next. */
  private static long walk() {
    long x = 1;
    int i = 0;
    for (int s = 0; s < STEPS; s++) {
      x = x * 6364136223846793005L + TABLE[i];
      i = (int) (x >>> 45) & (SLOTS - 1);
    }
    return x;
  }
}
