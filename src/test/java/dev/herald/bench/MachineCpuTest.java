package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code /proc/stat} and {@code /proc/<pid>/stat} as Linux 6.x prints them. */
class MachineCpuTest {

  @Test
  void busyTimeIsEveryColumnButIdleIowaitAndTheGuestsUserAlreadyHolds() {
    String stat = "cpu  897416 1785 409727 1378550 499162 3 222826 1673 40 5\ncpu0 1 2 3 4 5 6 7 8 0 0\n";
    assertThat(MachineCpu.busyTicks(stat)).isEqualTo(897416 + 1785 + 409727 + 3 + 222826 + 1673);
    assertThatThrownBy(() -> MachineCpu.busyTicks("intr 1 2\ncpu 1 2 3\n"))
        .hasMessageContaining("does not start with the cpu line: intr 1 2");
  }

  @Test
  void theKernelsSoftirqThreadsAreFoundByTheirName() {
    String ksoftirqd = "14 (ksoftirqd/0) S 2 0 0 0 -1 69238848 0 0 0 0 120 9031 0 0 20 0 1 0 9 0 0";
    assertThat(MachineCpu.isSoftirqThread(ksoftirqd)).isTrue();
    assertThat(MachineCpu.cpuTicks(ksoftirqd)).isEqualTo(9151);
    // A process may name itself anything, ")" and spaces included: only the kernel thread's own name counts.
    assertThat(MachineCpu.isSoftirqThread("77 (java) ksoftirqd/0) S 1 0 0 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 9 0 0"))
        .isFalse();
    assertThat(MachineCpu.cpuTicks("77 (a) b) S 1 0 0 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 9 0 0")).isEqualTo(11);
  }
}
