package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MachineProbeTest {

  @Test
  void eachProbeReportsTheCpuItsWorkTook() {
    assertThat(MachineProbe.millis()).isPositive();
    assertThat(MachineProbe.arithmeticCpuMillis()).isPositive();
    // Finite: a loopback connection that could not be made reads NaN.
    assertThat(MachineProbe.loopbackCpuMillis()).isPositive().isFinite();
  }
}
