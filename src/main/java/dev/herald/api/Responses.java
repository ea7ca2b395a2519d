package dev.herald.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** JSON responses of the HTTP API. */
public final class Responses {

  private Responses() {
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  /** {@code {"error":"…","field":"…"}}; {@code field} omitted when null. */
  public static void error(RoutingContext ctx, int status, String error, String field) {
    JsonObject body = new JsonObject().put("error", error);
    if (field != null) {
      body.put("field", field);
    }
    json(ctx, status, body);
  }
}
