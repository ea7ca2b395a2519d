package dev.herald.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway {@code redis-server} (binary from PATH) for tests that stop and restart Redis: no persistence,
 * loopback only, its own temp directory. Only this process is ever stopped, by its own PID.
 */
public final class RedisServerProcess implements AutoCloseable {

  private static final long START_SECONDS = 10;

  private final int port;
  private final Path dir;
  private Process process;

  private final boolean persistent;

  private RedisServerProcess(int port, Path dir, boolean persistent) {
    this.port = port;
    this.dir = dir;
    this.persistent = persistent;
  }

  /** Starts a server on a free port and returns once it accepts connections. */
  public static RedisServerProcess start() throws Exception {
    return start(false);
  }

  /**
   * Starts a server whose data survives {@link #stop()} and {@link #restart()}: every write goes to an
   * append-only file first, as a production Redis would keep it.
   */
  public static RedisServerProcess startPersistent() throws Exception {
    return start(true);
  }

  private static RedisServerProcess start(boolean persistent) throws Exception {
    // Below the ephemeral range: restart() binds the same port again, after clients' connections came and went.
    int port = FreePort.pick();
    RedisServerProcess server = new RedisServerProcess(port, Files.createTempDirectory("herald-redis"), persistent);
    server.restart();
    return server;
  }

  /** Starts the server again on the same port (after {@link #stop()}); it comes back empty unless persistent. */
  public synchronized void restart() throws Exception {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("redis-server on port " + port + " is running");
    }
    ProcessBuilder builder = new ProcessBuilder("redis-server", "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", persistent ? "yes" : "no", "--appendfsync", "always",
        "--dir", dir.toString())
        .redirectErrorStream(true);
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("redis-server not found on PATH (apt-get install redis-server)", e);
    }
    // Reading the log until the server says it is ready needs no polling; the reader keeps draining the
    // output afterwards so a full pipe can never stall the server.
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Process started = process;
    Thread reader = new Thread(() -> {
      StringBuilder log = new StringBuilder();
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          if (!ready.isDone()) {
            log.append(line).append('\n');
          }
          if (line.contains("Ready to accept connections")) {
            ready.complete(null);
          }
        }
      } catch (IOException e) {
        ready.completeExceptionally(new UncheckedIOException(e));
      }
      ready.completeExceptionally(new IllegalStateException("redis-server exited before it was ready:\n" + log));
    }, "redis-server-" + port + "-log");
    reader.setDaemon(true);
    reader.start();
    try {
      ready.get(START_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      stop();
      throw e;
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Kills this server (its own PID only) and waits until it is gone. */
  public synchronized void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(START_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(START_SECONDS, TimeUnit.SECONDS);
    }
    process = null;
  }

  /** Stops the server and removes its directory. */
  @Override
  public void close() throws Exception {
    stop();
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
