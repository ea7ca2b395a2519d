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

  public Http(Vertx vertx, int port) {
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
    return request(HttpMethod.POST, path, body, key == null ? null : "Bearer " + key);
  }

  public Reply get(String path) {
    return request(HttpMethod.GET, path, null);
  }

  public Reply request(HttpMethod method, String path, String body) {
    return request(method, path, body, "Bearer " + TestNodes.PUBLISH_KEY);
  }

  /** A request with the given {@code Authorization} header (none when null). */
  public Reply request(HttpMethod method, String path, String body, String authorization) {
    RequestOptions o = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path);
    if (authorization != null) {
      o.putHeader("Authorization", authorization);
    }
    return Await.of(client.request(o).compose(req -> {
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
