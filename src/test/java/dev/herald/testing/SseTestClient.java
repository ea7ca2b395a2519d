package dev.herald.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real Server-Sent Events client for tests: parses the stream into events and offers blocking waits with a
 * deadline. Close it before the test ends.
 */
public final class SseTestClient implements AutoCloseable {

  /** One event: its id (null when it had none), its type and its data. */
  public record Event(String id, String event, String data) {
    public JsonObject json() {
      return new JsonObject(data);
    }
  }

  private final HttpClient client;
  private final HttpClientResponse response;
  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final StringBuilder pending = new StringBuilder();
  private final LinkedBlockingQueue<String> comments = new LinkedBlockingQueue<>();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  /** Bytes of the stream received so far: a failed wait says whether anything came at all. */
  private volatile long received;

  private SseTestClient(HttpClient client, HttpClientResponse response) {
    this.client = client;
    this.response = response;
    response.handler(this::onData);
    response.endHandler(v -> ended.complete(null));
    response.exceptionHandler(ended::completeExceptionally);
  }

  /** Opens {@code path}; {@code lastEventId} and {@code origin} may be null. */
  public static SseTestClient connect(Vertx vertx, int port, String path, String lastEventId, String origin) {
    return connect(vertx, new HttpClientOptions(), port, path, lastEventId, origin);
  }

  /** As above, with a client of {@code options} (another HTTP version). */
  public static SseTestClient connect(Vertx vertx, HttpClientOptions options, int port, String path,
      String lastEventId, String origin) {
    HttpClient client = vertx.createHttpClient(options);
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(path);
    if (lastEventId != null) {
      o.putHeader("Last-Event-ID", lastEventId);
    }
    if (origin != null) {
      o.putHeader("Origin", origin);
    }
    // The handler is set as the response head arrives, so no early event is missed (see Await.built).
    return Await.built(vertx, () -> client.request(o).compose(req -> req.send())
        .map(resp -> new SseTestClient(client, resp)), 10);
  }

  public HttpClientResponse response() {
    return response;
  }

  /** The next comment block (heartbeat), failing the test after 10 s. */
  public String nextComment() {
    try {
      String c = comments.poll(10, TimeUnit.SECONDS);
      if (c == null) {
        throw new AssertionError("no comment within 10 s (" + state() + ")");
      }
      return c;
    } catch (InterruptedException ex) {
      throw new AssertionError(ex);
    }
  }

  /** The next event, failing the test after 10 s. */
  public Event next() {
    try {
      Event e = events.poll(10, TimeUnit.SECONDS);
      if (e == null) {
        throw new AssertionError("no event within 10 s (" + state() + ")");
      }
      return e;
    } catch (InterruptedException ex) {
      throw new AssertionError(ex);
    }
  }

  /** The next event of the given type, skipping others. */
  public Event next(String type) {
    while (true) {
      Event e = next();
      if (type.equals(e.event())) {
        return e;
      }
    }
  }

  /**
   * Waits for the server to end the stream with the response's end; fails the test when the connection broke
   * instead or nothing ended within 10 s.
   */
  public void awaitEnd() {
    try {
      ended.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the stream did not end with the response's end", e);
    }
  }

  /** Closes the TCP connection at once, as a dropped network would. */
  public void drop() {
    Await.of(response.request().connection().close(), 5);
  }

  /** What the stream did so far, for a failure message. */
  private String state() {
    return "status " + response.statusCode() + ", " + received + " bytes received, "
        + (ended.isDone() ? "ended" : "open") + ", undelimited tail: " + pending.length() + " chars";
  }

  private void onData(Buffer b) {
    received += b.length();
    pending.append(b.toString());
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String block = pending.substring(0, end);
      pending.delete(0, end + 2);
      String id = null;
      String type = "message";
      StringBuilder data = new StringBuilder();
      boolean comment = true;
      for (String line : block.split("\n")) {
        if (line.startsWith(":")) {
          continue;
        }
        comment = false;
        if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          type = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data.append(line.substring(6));
        }
      }
      if (comment) {
        comments.add(block);
      } else {
        events.add(new Event(id, type, data.toString()));
      }
    }
  }

  @Override
  public void close() {
    try {
      Await.of(response.request().connection().close(), 5);
    } catch (Exception ignored) {
      // already gone
    }
    Await.of(client.close(), 5);
  }
}
