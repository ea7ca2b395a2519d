package dev.herald.testing;

import dev.herald.cluster.ClusterBootstrap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Herald node as a child process of the test: the fat jar ({@code herald.jar}, which failsafe sets) started
 * with {@code -cluster} and a generated Hazelcast member list, on the Redis engine. Its output goes to a log file
 * the test can poll. Only this process is ever stopped, through its own {@link Process} handle.
 */
public final class NodeProcess implements AutoCloseable {

  private final String id;
  private final int httpPort;
  private final Path log;
  private final Process process;

  private NodeProcess(String id, int httpPort, Path log, Process process) {
    this.id = id;
    this.httpPort = httpPort;
    this.log = log;
    this.process = process;
  }

  /**
   * Starts node {@code id} as member {@code index} of {@code memberPorts} in cluster {@code clusterName}.
   *
   * @param env extra environment ({@code HERALD_*} settings)
   */
  public static NodeProcess start(String id, String clusterName, int index, List<Integer> memberPorts, Path dir,
                                  Map<String, String> env) {
    String jar = System.getProperty("herald.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("herald.jar not found (" + jar + "); run through failsafe after package");
    }
    try {
      int memberPort = memberPorts.get(index);
      Path xml = dir.resolve(id + "-cluster.xml");
      Files.writeString(xml, ClusterBootstrap.toXml(
          ClusterBootstrap.memberList(clusterName, "127.0.0.1", memberPort, memberPorts)), StandardCharsets.UTF_8);
      int httpPort = FreePort.pick();
      Path log = dir.resolve(id + ".log");
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar, "-cluster", "-cluster-host", "127.0.0.1",
          "-cluster-port", Integer.toString(memberPort), "-cluster-config", xml.toString()));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
          .directory(dir.toFile());
      pb.environment().put("HERALD_HTTP_HOST", "127.0.0.1");
      pb.environment().put("HERALD_HTTP_PORT", Integer.toString(httpPort));
      pb.environment().put("HERALD_HTTP_INSTANCES", "1");
      pb.environment().put("HERALD_ENGINE", "redis");
      pb.environment().put("HERALD_PUBLISH_KEY", TestNodes.PUBLISH_KEY);
      pb.environment().put("HERALD_NODE_ID", id);
      pb.environment().put("HERALD_NODE_WARMUP_CONNECTIONS", "0");
      pb.environment().putAll(env);
      return new NodeProcess(id, httpPort, log, pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String id() {
    return id;
  }

  public int httpPort() {
    return httpPort;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The node's output so far. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** SIGKILL: no shutdown hook runs, nothing is acknowledged or drained. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: the node drains and leaves; true when it exited within {@code seconds}. */
  public boolean terminate(int seconds) throws InterruptedException {
    process.destroy();
    return process.waitFor(seconds, TimeUnit.SECONDS);
  }

  /** SIGTERM, then SIGKILL after 30 s. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
