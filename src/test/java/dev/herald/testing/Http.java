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

  public Reply post(String path, String body) {
    return request(HttpMethod.POST, path, body);
  }

  public Reply get(String path) {
    return request(HttpMethod.GET, path, null);
  }

  public Reply request(HttpMethod method, String path, String body) {
    return request(method, path, body, null);
  }

  /** A request with an {@code Authorization: Bearer <key>} header, when {@code bearer} is not null. */
  public Reply request(HttpMethod method, String path, String body, String bearer) {
    RequestOptions o = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path);
    if (bearer != null) {
      o.putHeader("Authorization", "Bearer " + bearer);
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
