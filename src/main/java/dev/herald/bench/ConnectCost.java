package dev.herald.bench;

import io.vertx.core.json.JsonObject;

/**
 * What a connect phase cost outside the server: the generator's worker processes (their JIT apart: a phase without a
 * warm-up meets them cold), the whole machine and the kernel's softirq threads, and TCP's resends. On two shared cores
 * the connect rate is set by all of it together; with cold workers the servers' part was 13–14 % of the machine's
 * (BENCHMARKS.md, "The connect rate's machine"). These say whether a rate that differs between servers comes from the
 * server's own CPU or from what each server's handshake costs its clients and the kernel.
 */
final class ConnectCost {

  private final RemoteFleet fleet;
  private final long clientCpu0;
  private final long clientJit0;
  private final MachineCpu.Reading machine0;
  private final KernelNet.Counters net0;

  private ConnectCost(RemoteFleet fleet) {
    this.fleet = fleet;
    clientCpu0 = fleet.cpuNanos();
    clientJit0 = fleet.jitNanos();
    machine0 = MachineCpu.read();
    net0 = KernelNet.read();
  }

  /** Starts counting now, right before the fleet connects (its workers already started). */
  static ConnectCost start(RemoteFleet fleet) {
    return new ConnectCost(fleet);
  }

  /** Adds the counts since {@link #start} to {@code connect}, the phase's JSON. */
  JsonObject addTo(JsonObject connect) {
    long clientCpu = fleet.cpuNanos() - clientCpu0;
    long clientJit = fleet.jitNanos() - clientJit0;
    MachineCpu.Reading machine1 = MachineCpu.read();
    KernelNet.Counters net1 = KernelNet.read();
    connect.put("clientCpuSeconds", BenchMain.round(clientCpu / 1e9))
        .put("clientJitCpuSeconds", BenchMain.round(clientJit / 1e9));
    if (machine0 != null && machine1 != null) {
      connect.put("machineCpuSeconds", BenchMain.round(machine1.busySecondsSince(machine0)))
          .put("softirqThreadCpuSeconds", BenchMain.round(machine1.softirqThreadSecondsSince(machine0)));
    }
    if (net0 != null && net1 != null) {
      connect.put("kernel", net1.minus(net0).json());
    }
    return connect;
  }
}
