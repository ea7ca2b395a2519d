package dev.herald.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.herald.HeraldNode;
import dev.herald.testing.Await;
import dev.herald.testing.Eventually;
import dev.herald.testing.Http;
import dev.herald.testing.TestNodes;
import dev.herald.testing.TestRedis;
import dev.herald.testing.WsTestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM a real node process (the fat jar, Redis engine) with connected clients and entries in flight: every
 * client gets {@code disconnect} with its position, the process exits 0, and no entry is left claimed.
 */
class DrainIT {

  private static final String CHANNEL = "thread:drain";
  private static final int CLIENTS = 3;
  private static final int BURST = 60;
  private static final String ADMIN_KEY = "drain-it-admin-key";

  private Vertx vertx;
  private Redis redis;
  private String prefix;
  private Process process;
  private Path log;
  private String resumeFrom;
  private final List<WsTestClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    prefix = TestRedis.newPrefix();
    redis = Redis.createClient(vertx, TestRedis.options(TestRedis.url(), ProtocolVersion.RESP3));
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(WsTestClient::close);
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    Await.of(TestRedis.deleteKeys(redis, prefix), 30);
    redis.close();
    Await.of(vertx.close(), 30);
  }

  private Future<?> xadd(int data) {
    String body = new JsonObject().put("channel", CHANNEL).put("data", data).encode();
    return redis.send(Request.cmd(Command.XADD).arg(prefix + "ingest").arg("*").arg("publish").arg(body));
  }

  /** Starts the fat jar on a free port with the Redis engine under this test's prefix; returns the port. */
  private int startNode() throws Exception {
    String jar = System.getProperty("herald.jar");
    assertTrue(jar != null && new File(jar).isFile(), "run through failsafe after package (herald.jar)");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    log = Files.createTempFile("herald-drain-it", ".log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("HERALD_HTTP_PORT", Integer.toString(port));
    builder.environment().put("HERALD_HTTP_HOST", "127.0.0.1");
    builder.environment().put("HERALD_HTTP_INSTANCES", "2");
    builder.environment().put("HERALD_ENGINE", "redis");
    builder.environment().put("HERALD_REDIS_URL", TestRedis.url());
    builder.environment().put("HERALD_REDIS_KEY_PREFIX", prefix);
    builder.environment().put("HERALD_SHUTDOWN_DRAIN_WINDOW_MS", "3000");
    builder.environment().put("HERALD_ADMIN_KEY", ADMIN_KEY);
    builder.environment().put("HERALD_PUBLISH_KEY", TestNodes.PUBLISH_KEY);
    builder.environment().put("HERALD_NODE_WARMUP_CONNECTIONS", "0");
    process = builder.start();
    return port;
  }

  @Test
  void adminDrainStopsTheProcessWithStatusZero() throws Exception {
    int port = startNode();
    try (Http http = new Http(vertx, port)) {
      Eventually.within(90, () -> assertThat(http.get("/health/ready").status()).isEqualTo(200));
      WsTestClient c = WsTestClient.connect(vertx, port, "/ws?channels=" + CHANNEL);
      clients.add(c);
      c.nextOp("subscribed");
      assertThat(http.request(HttpMethod.POST, "/admin/drain", null).status()).isEqualTo(401);
      assertThat(http.request(HttpMethod.POST, "/admin/drain", null, ADMIN_KEY).status()).isEqualTo(202);
      assertThat(c.nextOp("disconnect").getString("code")).isEqualTo("shutdown");
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("node exited").isTrue();
    assertThat(process.exitValue()).as("exit status; log in " + log).isZero();
    Files.deleteIfExists(log);
  }

  @Test
  void sigtermDisconnectsEveryClientWithPositionsAcksInFlightAndExitsZero() throws Exception {
    List<Integer> firstClientData = new ArrayList<>();
    int port = startNode();
    try (Http http = new Http(vertx, port)) {
      Eventually.within(90, () -> assertThat(http.get("/health/ready").status()).isEqualTo(200));
      for (int i = 0; i < CLIENTS; i++) {
        WsTestClient c = WsTestClient.connect(vertx, port, "/ws?channels=" + CHANNEL);
        clients.add(c);
        c.nextOp("subscribed");
      }
      Await.of(xadd(0));
      for (WsTestClient c : clients) {
        assertThat(c.nextOp("message").getInteger("data")).isZero();
      }
      firstClientData.add(0);
      List<Future<?>> burst = new ArrayList<>();
      for (int i = 1; i <= BURST; i++) {
        burst.add(xadd(i));
      }
      Await.of(Future.all(burst));
      process.destroy(); // SIGTERM

      for (WsTestClient c : clients) {
        List<JsonObject> messages = new ArrayList<>();
        List<Integer> seen = c == clients.get(0) ? firstClientData : new ArrayList<>();
        JsonObject disconnect = c.next(f -> {
          if ("message".equals(f.getString("op"))) {
            messages.add(f);
            seen.add(f.getInteger("data"));
          }
          return "disconnect".equals(f.getString("op"));
        });
        assertThat(disconnect.getString("code")).isEqualTo("shutdown");
        assertThat(disconnect.getLong("retryAfterMs")).isBetween(0L, 3000L);
        String expected = messages.isEmpty() ? null : messages.get(messages.size() - 1).getString("id");
        if (c == clients.get(0)) {
          resumeFrom = disconnect.getJsonObject("positions").getString(CHANNEL);
        }
        if (expected != null) {
          assertThat(disconnect.getJsonObject("positions").getString(CHANNEL)).isEqualTo(expected);
        } else {
          assertThat(disconnect.getJsonObject("positions").getString(CHANNEL)).isNotBlank();
        }
      }
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("node exited").isTrue();
    assertThat(process.exitValue()).as("exit status; log in " + log).isZero();
    long pending = Await.of(redis.send(Request.cmd(Command.XPENDING).arg(prefix + "ingest").arg("herald")))
        .get(0).toLong();
    // Ingest finished every entry it had claimed before stopping; unclaimed ones wait in the stream for others.
    assertThat(pending).isZero();
    Files.deleteIfExists(log);

    // None lost: another node on the same Redis serves what the first did not, and a client resuming from its
    // disconnect position gets exactly the rest, once each.
    HeraldNode next = TestNodes.start(vertx, TestNodes.memory().put("engine", "redis")
        .put("redis", new JsonObject().put("url", TestRedis.url()).put("keyPrefix", prefix)));
    try {
      WsTestClient resumed = WsTestClient.connect(vertx, next.port(), "/ws");
      clients.add(resumed);
      resumed.nextOp("hello");
      resumed.send(new JsonObject().put("op", "subscribe").put("channels", List.of(CHANNEL))
          .put("since", new JsonObject().put(CHANNEL, resumeFrom)));
      assertThat(resumed.nextOp("subscribed").getBoolean("recovered")).isTrue();
      List<Integer> all = new ArrayList<>(firstClientData);
      while (all.size() < BURST + 1) {
        all.add(resumed.nextOp("message").getInteger("data"));
      }
      // The burst is sent over several pooled connections and ingested concurrently, so the channel's order is
      // the commit order, not the data order; what matters here is that each entry arrives exactly once.
      assertThat(all).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(0, BURST).boxed().toList());
      Await.of(xadd(BURST + 1));
      assertThat(resumed.nextOp("message").getInteger("data")).as("no duplicate before the marker")
          .isEqualTo(BURST + 1);
    } finally {
      Await.of(next.stop(0), 30);
    }
  }
}
