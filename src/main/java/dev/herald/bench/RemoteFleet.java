package dev.herald.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * The coordinator's handle on the subscriber fleet: {@code processes} worker JVMs ({@link FleetWorker}), each
 * holding a contiguous share of the subscribers. Commands go to every worker at once; replies are merged.
 */
final class RemoteFleet implements AutoCloseable {

  private final List<Worker> workers = new ArrayList<>();

  RemoteFleet(BenchOptions o, int subscribers) throws IOException {
    int processes = Math.max(1, Math.min(o.processes(subscribers), subscribers));
    String java = ProcessHandle.current().info().command().orElse("java");
    String ports = o.ports().stream().map(String::valueOf).collect(Collectors.joining(","));
    for (int p = 0; p < processes; p++) {
      int from = (int) ((long) subscribers * p / processes);
      int to = (int) ((long) subscribers * (p + 1) / processes);
      List<String> cmd = new ArrayList<>(List.of(java, "-Xms" + o.clientHeap(), "-Xmx" + o.clientHeap()));
      cmd.addAll(o.clientJvmFlags());
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), BenchMain.class.getName(), "worker",
          "--target", o.target().label(),
          "--transport", o.transport().label(), "--host", o.host(), "--port", ports,
          "--from", Integer.toString(from), "--to", Integer.toString(to),
          "--channels", Integer.toString(o.channels()), "--channel-prefix", o.channelPrefix(), "--sources", Integer.toString(o.sources()),
          "--concurrency", Integer.toString(Math.max(1, o.concurrency() / processes)),
          "--loops", Integer.toString(o.clientLoops()), "--client-io", o.clientIo(),
          "--client-ws", o.clientWebSocket().label()));
      Process proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      workers.add(new Worker(proc));
    }
    for (Worker w : workers) {
      w.expect("ready");
    }
  }

  List<Long> pids() {
    return workers.stream().map(w -> w.process.pid()).toList();
  }

  /** Connects every worker's share in parallel; merged counts, times from the command to the slowest worker. */
  SubscriberFleet.ConnectResult connect() throws IOException {
    List<String[]> replies = all("connect");
    long ok = 0, failed = 0, subscribed = 0, hs = 0, sub = 0;
    long[] perPort = null;
    String err = null;
    for (String[] r : replies) {
      ok += Long.parseLong(r[1]);
      failed += Long.parseLong(r[2]);
      subscribed += Long.parseLong(r[3]);
      hs = Math.max(hs, Long.parseLong(r[4]));
      sub = Math.max(sub, Long.parseLong(r[5]));
      String[] ports = r[6].split(",");
      perPort = perPort == null ? new long[ports.length] : perPort;
      for (int k = 0; k < ports.length; k++) {
        perPort[k] += Long.parseLong(ports[k]);
      }
      if (err == null && !"-".equals(r[7])) {
        err = r[7];
      }
    }
    return new SubscriberFleet.ConnectResult(ok, failed, subscribed, hs, sub, perPort, err);
  }

  /** Closes every worker's connections and keeps the workers, warm, for the next {@link #connect}. */
  void disconnect() throws IOException {
    all("disconnect");
  }

  void reset() throws IOException {
    all("reset");
  }

  long uniqueReceived() throws IOException {
    long n = 0;
    for (String[] r : all("count")) {
      n += Long.parseLong(r[1]);
    }
    return n;
  }

  /**
   * Merged delivery statistics of the current step; {@code silent} subscribers got nothing this step (their channels
   * are {@code silentChannels}), {@code closed} connections were closed by the server after subscribing (since the
   * fleet connected). {@code firstDelivery} holds one latency per message, that of its earliest delivery.
   */
  record Stats(long unique, long expected, long duplicates, long orderViolations, Histogram latency, long silent,
               long closed, SortedSet<Integer> silentChannels, Histogram firstDelivery) {
  }

  Stats stats(long[] publishedPerChannel) throws IOException {
    StringBuilder sb = new StringBuilder("stats ");
    for (int i = 0; i < publishedPerChannel.length; i++) {
      sb.append(i == 0 ? "" : ",").append(publishedPerChannel[i]);
    }
    long unique = 0, expected = 0, dups = 0, order = 0, silent = 0, closed = 0;
    Histogram h = new Histogram(3);
    SortedSet<Integer> silentChannels = new TreeSet<>();
    Map<Long, Long> firsts = new HashMap<>();
    for (String[] r : all(sb.toString())) {
      unique += Long.parseLong(r[1]);
      expected += Long.parseLong(r[2]);
      dups += Long.parseLong(r[3]);
      order += Long.parseLong(r[4]);
      try {
        h.add(Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(r[5])), 0));
      } catch (DataFormatException e) {
        throw new IOException("bad histogram from a worker", e);
      }
      silent += Long.parseLong(r[6]);
      closed += Long.parseLong(r[7]);
      if (!"-".equals(r[8])) {
        for (String k : r[8].split(",")) {
          silentChannels.add(Integer.parseInt(k));
        }
      }
      FirstDeliveries.merge(firsts, FirstDeliveries.decode(r[9]));
    }
    return new Stats(unique, expected, dups, order, h, silent, closed, silentChannels,
        FirstDeliveries.histogram(firsts));
  }

  /** CPU nanoseconds used so far by the worker processes. */
  long cpuNanos() {
    long n = 0;
    for (Worker w : workers) {
      n += ProcessProbe.cpuNanosOf(w.process.pid());
    }
    return n;
  }

  /** CPU nanoseconds used so far by the worker processes' JIT compiler threads. */
  long jitNanos() {
    long n = 0;
    for (Worker w : workers) {
      n += new ProcessProbe(w.process.pid(), true).jitNanos();
    }
    return n;
  }

  /** Time the worker processes' threads waited for a CPU so far, in nanoseconds. */
  long runQueueWaitNanos() {
    long n = 0;
    for (Worker w : workers) {
      n += ProcessProbe.runQueueWaitNanosOf(w.process.pid());
    }
    return n;
  }

  @Override
  public void close() {
    for (Worker w : workers) {
      try {
        w.send("close");
      } catch (RuntimeException e) {
        // already gone
      }
    }
    for (Worker w : workers) {
      try {
        w.expect("closed");
        if (!w.process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
          w.process.destroy();
        }
      } catch (IOException | InterruptedException e) {
        w.process.destroy();
      }
    }
  }

  private List<String[]> all(String command) throws IOException {
    List<CompletableFuture<String[]>> replies = new ArrayList<>();
    for (Worker w : workers) {
      w.send(command);
    }
    for (Worker w : workers) {
      replies.add(CompletableFuture.supplyAsync(() -> {
        try {
          return w.reply();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    List<String[]> out = new ArrayList<>();
    for (CompletableFuture<String[]> f : replies) {
      out.add(f.join());
    }
    return out;
  }

  private static final class Worker {
    final Process process;
    final BufferedReader in;
    final PrintWriter out;

    Worker(Process process) {
      this.process = process;
      this.in = new BufferedReader(new InputStreamReader(process.getInputStream()));
      this.out = new PrintWriter(process.getOutputStream(), true);
    }

    void send(String line) {
      out.println(line);
    }

    String[] reply() throws IOException {
      String line = in.readLine();
      if (line == null) {
        throw new IOException("worker " + process.pid() + " exited");
      }
      return line.split(" ");
    }

    void expect(String word) throws IOException {
      String[] r = reply();
      if (!r[0].equals(word)) {
        throw new IOException("worker " + process.pid() + " said " + String.join(" ", r) + ", expected " + word);
      }
    }
  }
}
