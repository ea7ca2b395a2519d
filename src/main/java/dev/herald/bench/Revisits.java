package dev.herald.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@code revisit} scenario (Herald only): how long one client waits for {@code subscribed}, from the start of
 * its connect, on a channel the node has no subscriber of, and on the same channel {@code --gap-ms} after it left
 * it, as a reloaded page does. Visits run one at a time, each on a channel of its own, so the node is idle
 * between them; what differs between the two kinds of visit is the node's route for the channel, kept or not.
 */
final class Revisits {

  private static final int TIMEOUT_SECONDS = 10;

  private Revisits() {
  }

  static JsonObject run(BenchOptions o) throws Exception {
    int visits = o.visits();
    long gapMs = o.gapMs();
    int port = o.ports().get(0);
    Vertx vertx = Vertx.vertx();
    try {
      WebSocketClient client = vertx.createWebSocketClient();
      List<Double> first = new ArrayList<>();
      List<Double> back = new ArrayList<>();
      String run = Long.toString(System.currentTimeMillis(), 36);
      for (int i = 0; i < visits; i++) {
        String channel = "revisit:" + run + "-" + i;
        first.add(visit(client, o.host(), port, channel));
        Thread.sleep(gapMs);
        back.add(visit(client, o.host(), port, channel));
        Thread.sleep(gapMs);
      }
      return new JsonObject().put("visits", visits).put("gapMs", gapMs).put("firstMs", summary(first))
          .put("returnMs", summary(back));
    } finally {
      vertx.close().await();
    }
  }

  /** Ms from the start of the connect to the {@code subscribed} frame; the connection is closed after it. */
  private static double visit(WebSocketClient client, String host, int port, String channel) throws Exception {
    CompletableFuture<Double> subscribed = new CompletableFuture<>();
    long start = System.nanoTime();
    // The handler is set before the connect: one added to the connect's future from this thread could come after
    // the node's subscribed frame, which would then be dropped (our reading of a 10 s timeout in scripts/test).
    ClientWebSocket ws = client.webSocket();
    ws.textMessageHandler(text -> {
      String op = new JsonObject(text).getString("op");
      if ("subscribed".equals(op)) {
        subscribed.complete((System.nanoTime() - start) / 1e6);
      } else if ("error".equals(op)) {
        subscribed.completeExceptionally(new IllegalStateException(channel + ": " + text));
      }
    });
    ws.connect(new WebSocketConnectOptions().setHost(host).setPort(port).setURI(Target.HERALD.subscribePath(channel)))
        .await();
    try {
      return subscribed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } finally {
      ws.close().await();
    }
  }

  private static JsonObject summary(List<Double> ms) {
    List<Double> sorted = new ArrayList<>(ms);
    Collections.sort(sorted);
    return new JsonObject().put("min", BenchMain.round(sorted.get(0)))
        .put("p50", BenchMain.round(sorted.get(sorted.size() / 2)))
        .put("max", BenchMain.round(sorted.get(sorted.size() - 1)));
  }
}
