package dev.herald.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real WebSocket client for tests: connects to a node, records every text frame as JSON, and offers blocking
 * waits with a deadline. Close it before the test ends (an open client delays {@code vertx.close()}).
 */
public final class WsTestClient implements AutoCloseable {

  private final WebSocketClient client;
  private final WebSocket ws;
  private final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private volatile Short closeStatus;

  private WsTestClient(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
    ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
    ws.closeHandler(v -> closeStatus = ws.closeStatusCode() == null ? -1 : ws.closeStatusCode());
  }

  /** Connects to {@code path} (e.g. {@code /ws?channels=thread:1}) on 127.0.0.1. */
  public static WsTestClient connect(Vertx vertx, int port, String path) {
    return connect(vertx, port, path, Map.of());
  }

  /** Connects with extra handshake headers (e.g. {@code X-Forwarded-For}). */
  public static WsTestClient connect(Vertx vertx, int port, String path, Map<String, String> headers) {
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path);
    headers.forEach(options::addHeader);
    // The handlers are set as the handshake completes, so no early frame is missed (see Await.built).
    return Await.built(vertx, () -> client.connect(options).map(ws -> new WsTestClient(client, ws)), 10);
  }

  /** Waits up to 10 s for the server to close the connection; its close status. */
  public short awaitClose() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (closeStatus == null) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not closed within 10 s");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    return closeStatus;
  }

  public void send(JsonObject frame) {
    Await.of(ws.writeTextMessage(frame.encode()), 10);
  }

  public void sendText(String text) {
    Await.of(ws.writeTextMessage(text), 10);
  }

  /** The next frame, failing the test after 10 s. */
  public JsonObject next() {
    try {
      JsonObject f = frames.poll(10, TimeUnit.SECONDS);
      if (f == null) {
        throw new AssertionError("no frame within 10 s");
      }
      return f;
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Skips frames until one matches, failing after 10 s. */
  public JsonObject next(Predicate<JsonObject> match) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try {
        JsonObject f = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (f != null && match.test(f)) {
          return f;
        }
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("no matching frame within 10 s");
  }

  /** The next frame with the given op. */
  public JsonObject nextOp(String op) {
    return next(f -> op.equals(f.getString("op")));
  }

  /** Collects {@code n} message frames, skipping other ops. */
  public List<JsonObject> messages(int n) {
    List<JsonObject> out = new ArrayList<>();
    while (out.size() < n) {
      out.add(nextOp("message"));
    }
    return out;
  }

  /** Frames received so far and not yet taken. */
  public List<JsonObject> drain() {
    List<JsonObject> out = new ArrayList<>();
    frames.drainTo(out);
    return out;
  }

  /** The close status, once the server closed; null while open. */
  public Short closeStatus() {
    return closeStatus;
  }

  public WebSocket socket() {
    return ws;
  }

  @Override
  public void close() {
    try {
      if (!ws.isClosed()) {
        Await.of(ws.close(), 5);
      }
    } catch (Exception ignored) {
      // already gone
    }
    Await.of(client.close(), 5);
  }
}
