package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code /proc/stat} and {@code /proc/<pid>/stat} as Linux 6.x prints them. */
class MachineCpuTest {

  @Test
  void busyTimeIsWallTimeOnEveryCpuLessTheirIdleAndIowait() {
    String stat = "cpu  897416 1785 409727 1378550 499162 3 222826 1673 40 5\ncpu0 1 2 3 4 5 6 7 8 0 0\n"
        + "cpu1 1 2 3 4 5 6 7 8 0 0\nintr 1 2\n";
    assertThat(MachineCpu.idleTicks(stat)).isEqualTo(1378550 + 499162);
    assertThat(MachineCpu.cpus(stat)).isEqualTo(2);
    MachineCpu.Reading before = new MachineCpu.Reading(1_000_000_000L, 2, 1000, 70_000_000L);
    MachineCpu.Reading after = new MachineCpu.Reading(11_000_000_000L, 2, 1250, 190_000_000L);
    assertThat(after.busySecondsSince(before)).isCloseTo(17.5, offset(1e-9));
    assertThat(after.softirqThreadSecondsSince(before)).isCloseTo(0.12, offset(1e-9));
    assertThatThrownBy(() -> MachineCpu.idleTicks("intr 1 2\ncpu 1 2 3\n"))
        .hasMessageContaining("does not start with the cpu line: intr 1 2");
  }

  @Test
  void theKernelsSoftirqThreadsAreReadPastAnyCommandName() {
    String ksoftirqd = "14 (ksoftirqd/0) S 2 0 0 0 -1 69238848 0 0 0 0 120 9031 0 0 20 0 1 0 9 0 0";
    assertThat("ksoftirqd/0").startsWith(MachineCpu.SOFTIRQ_THREAD);
    assertThat(ProcessProbe.cpuTicks(ProcessProbe.statFields(ksoftirqd))).isEqualTo(9151);
    // A process may name itself anything, ")" and spaces included: its fields start after the last ")".
    String oddName = "77 (a) b) S 1 0 0 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 9 0 0";
    assertThat(ProcessProbe.cpuTicks(ProcessProbe.statFields(oddName))).isEqualTo(11);
    assertThat(ProcessProbe.cpuNanosOfNamed("no process is named this")).isZero();
  }

  @Test
  void processesAreFoundByTheNameTheKernelGivesThem() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/self/comm")), "Linux /proc");
    long self = ProcessHandle.current().pid();
    String comm = Files.readString(Path.of("/proc", Long.toString(self), "comm")).trim();
    long own = ProcessProbe.cpuNanosOf(self);
    assertThat(own).isPositive();
    // This JVM is one of the processes of its name, and its CPU only grows between the two reads.
    assertThat(ProcessProbe.cpuNanosOfNamed(comm)).isGreaterThanOrEqualTo(own);
  }
}
