package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The used heap is read from {@code jcmd GC.heap_info} as each JDK prints it (output copied from the JDKs); the JIT's
 * CPU from this JVM's own compiler threads in {@code /proc}.
 */
class ProcessProbeTest {

  @Test
  void readsTheUsedHeapOfJava17AndOfJava25() {
    assertThat(ProcessProbe.usedHeapBytes("""
         garbage-first heap   total 262144K, used 27136K [0x00000000c0000000, 0x0000000100000000)
          region size 1024K, 3 young (3072K), 1 survivors (1024K)
        """)).isEqualTo(27136L * 1024);
    assertThat(ProcessProbe.usedHeapBytes("""
        1454:
        garbage-first heap   total reserved 6172672K, committed 393216K, used 11854K [0x0000000687400000, \
        0x0000000800000000)
         region size 4096K, 3 young (12288K), 1 survivors (4096K)
        """)).isEqualTo(11854L * 1024);
    assertThat(ProcessProbe.usedHeapBytes("Could not attach")).isEqualTo(-1);
  }

  @Test
  void readsTheRunQueueWaitOfSchedstatAndOfThisJvmsThreads() throws Exception {
    assertThat(ProcessProbe.runQueueWait("1096382487 508477733 159\n")).isEqualTo(508477733L);
    assertThat(ProcessProbe.runQueueWait("")).isZero();
    long self = ProcessHandle.current().pid();
    Path schedstat = Path.of("/proc/self/schedstat");
    assumeTrue(Files.isReadable(schedstat) && Files.readString(schedstat).trim().split(" ").length == 3,
        "this kernel keeps no schedstat");
    // One spinning thread more than the machine has CPUs (not only those the JVM is given): some must queue.
    long before = ProcessProbe.runQueueWaitNanosOf(self);
    AtomicBoolean spin = new AtomicBoolean(true);
    Thread[] busy = new Thread[Math.max(onlineCpus(), Runtime.getRuntime().availableProcessors()) + 1];
    for (int i = 0; i < busy.length; i++) {
      busy[i] = new Thread(() -> {
        while (spin.get()) {
          Thread.onSpinWait();
        }
      });
      busy[i].start();
    }
    try {
      Thread.sleep(300);
      assertThat(ProcessProbe.runQueueWaitNanosOf(self)).isGreaterThan(before);
      assertThat(new ProcessProbe(self, true).runQueueWaitNanos()).isGreaterThan(before);
    } finally {
      spin.set(false);
      for (Thread t : busy) {
        t.join();
      }
    }
  }

  private static int onlineCpus() throws IOException {
    try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
      return (int) lines.filter(l -> l.matches("cpu\\d+ .*")).count();
    }
  }

  @Test
  void findsTheCpuOfThisJvmsCompilerThreads() {
    long self = ProcessHandle.current().pid();
    // A JVM that has loaded and run JUnit has compiled thousands of methods: far more than one 10 ms tick.
    assertThat(new ProcessProbe(self, true).jitNanos()).isPositive();
    assertThat(new ProcessProbe(self, false).jitNanos()).isZero();
    assertThat(ProcessProbe.isCompilerThread("C2 CompilerThre")).isTrue();
    assertThat(ProcessProbe.isCompilerThread("C1 CompilerThre")).isTrue();
    assertThat(ProcessProbe.isCompilerThread("vert.x-eventloo")).isFalse();
  }

  @Test
  void groupsThisJvmsThreadsByWhatTheyDo() throws IOException {
    assertThat(ProcessProbe.threadGroup("vert.x-eventloo")).isEqualTo("eventLoop");
    assertThat(ProcessProbe.threadGroup("GC Thread#1")).isEqualTo("gc");
    assertThat(ProcessProbe.threadGroup("G1 Refine#0")).isEqualTo("gc");
    assertThat(ProcessProbe.threadGroup("G1 Young RemSet")).isEqualTo("gc");
    assertThat(ProcessProbe.threadGroup("VM Thread")).isEqualTo("vm");
    assertThat(ProcessProbe.threadGroup("C2 CompilerThre")).isEqualTo("jit");
    assertThat(ProcessProbe.threadGroup("vert.x-worker-t")).isEqualTo("other");
    long self = ProcessHandle.current().pid();
    Map<Long, ProcessProbe.ThreadTicks> threads = new ProcessProbe(self, true).threadTicks();
    // As in findsTheCpuOfThisJvmsCompilerThreads: this JVM has compiled for more than one tick, and the thread
    // running this test has run JUnit for more than one (its id from /proc/thread-self: "<pid>/task/<tid>").
    assertThat(threads.values().stream().filter(t -> t.group().equals("jit")).mapToLong(t -> t.user() + t.sys())
        .sum()).isPositive();
    long tid = Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
    assertThat(threads.get(tid).group()).isEqualTo("other");
    assertThat(threads.get(tid).user() + threads.get(tid).sys()).isPositive();
    assertThat(threads.values().stream().mapToLong(t -> t.user() + t.sys()).sum())
        .isLessThanOrEqualTo(ProcessProbe.cpuNanosOf(self) / (1_000_000_000L / ProcessProbe.TICKS_PER_SECOND));
    assertThat(new ProcessProbe(self, false).threadTicks()).isEmpty();
  }
}
