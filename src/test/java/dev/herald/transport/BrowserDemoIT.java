package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.TestNodes;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demo in a real browser: {@code src/test/browser/demo.test.mjs} drives Debian's headless Chromium through
 * playwright-core against a node: two pages, a comment posted in one appears in the other, over the native
 * WebSocket and over SockJS forced to xhr-polling and to eventsource; it leaves {@code target/browser-demo.png}.
 * Chromium, node and the npm install are prerequisites that {@code scripts/test} provides: missing, this test fails.
 */
class BrowserDemoIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path SCRIPT = Path.of("src/test/browser/demo.test.mjs");
  private static final Path PLAYWRIGHT = Path.of("src/test/browser/node_modules/playwright-core");
  private static final Path SCREENSHOT = Path.of("target/browser-demo.png");
  private static final long TIMEOUT_S = 120;

  private Vertx vertx;
  private HeraldNode node;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    node = TestNodes.start(vertx, TestNodes.memory());
  }

  @AfterEach
  void stop() {
    Await.of(node.stop(0), 30);
    Await.of(vertx.close(), 30);
  }

  @Test
  void commentPostedInOnePageAppearsInTheOtherOnEveryTransport() throws Exception {
    Path root = Path.of("").toAbsolutePath();
    String node = nodeExecutable();
    if (!Files.isExecutable(CHROMIUM)) {
      fail(CHROMIUM + " is missing: install Debian's chromium (apt-get install chromium; scripts/test does it as root)");
    }
    if (node == null) {
      fail("node is not on the PATH: install Node.js >= 20 (Debian: apt-get install nodejs npm), then run scripts/test");
    }
    if (!Files.isDirectory(root.resolve(PLAYWRIGHT))) {
      fail(root.resolve(PLAYWRIGHT) + " is missing: run `npm ci --no-audit --no-fund` in src/test/browser "
          + "(scripts/test does it)");
    }
    Files.createDirectories(root.resolve(SCREENSHOT).getParent());
    Files.deleteIfExists(root.resolve(SCREENSHOT));

    Process p = new ProcessBuilder(node, SCRIPT.toString(), "http://127.0.0.1:" + this.node.port() + "/",
        SCREENSHOT.toString()).directory(root.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> copy(p.getInputStream(), out), "browser-test-output");
    reader.setDaemon(true);
    reader.start();
    boolean finished = p.waitFor(TIMEOUT_S, TimeUnit.SECONDS);
    if (!finished) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    reader.join(5000);
    String output;
    synchronized (out) {
      output = out.toString(StandardCharsets.UTF_8);
    }
    System.out.println("demo.test.mjs output:\n" + output);
    if (!finished) {
      fail("demo.test.mjs did not finish within " + TIMEOUT_S + " s; its output:\n" + output);
    }
    assertThat(p.exitValue()).as("exit code of demo.test.mjs; its output:\n%s", output).isZero();
    assertThat(output).contains("PASS:");
    assertThat(root.resolve(SCREENSHOT)).exists();
    assertThat(Files.size(root.resolve(SCREENSHOT))).isPositive();
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    byte[] buf = new byte[8192];
    try (in) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        synchronized (out) {
          out.write(buf, 0, n);
        }
      }
    } catch (IOException e) {
      // The process is gone; what was read is what there is.
    }
  }

  /** The {@code node} on the PATH, or null. */
  private static String nodeExecutable() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : List.of(path.split(File.pathSeparator))) {
      Path candidate = Path.of(dir, "node");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
