package dev.herald.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/** Blocking HTTP calls for tests against a real node. */
public final class Http implements AutoCloseable {

  private final HttpClient client;
  private final int port;
  private final Vertx vertx;

  public Http(Vertx vertx, int port) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient();
    this.port = port;
  }

  /** A response: status and body. */
  public record Reply(int status, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** Posts with the test nodes' publisher key ({@link TestNodes#PUBLISH_KEY}). */
  public Reply post(String path, String body) {
    return request(HttpMethod.POST, path, body);
  }

  /** Posts with {@code Authorization: Bearer <key>}, or no such header when {@code key} is null. */
  public Reply postWithKey(String path, String body, String key) {
    return request(HttpMethod.POST, path, body, key);
  }

  public Reply get(String path) {
    return request(HttpMethod.GET, path, null);
  }

  /** A request with the test nodes' publisher key ({@link TestNodes#PUBLISH_KEY}). */
  public Reply request(HttpMethod method, String path, String body) {
    return request(method, path, body, TestNodes.PUBLISH_KEY);
  }

  /** A request with an {@code Authorization: Bearer <key>} header, when {@code bearer} is not null. */
  public Reply request(HttpMethod method, String path, String body, String bearer) {
    RequestOptions o = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path);
    if (bearer != null) {
      o.putHeader("Authorization", "Bearer " + bearer);
    }
    // Built on an event loop: composed from the test thread, resp.body() could be attached after the response
    // already ended, and the call would hang (see Await.built).
    return Await.built(vertx, () -> client.request(o).compose(req -> {
      if (body != null) {
        req.putHeader("Content-Type", "application/json");
      }
      return body == null ? req.send() : req.send(Buffer.buffer(body));
    }).compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), b.toString()))), 15);
  }

  @Override
  public void close() {
    Await.of(client.close(), 5);
  }

}
