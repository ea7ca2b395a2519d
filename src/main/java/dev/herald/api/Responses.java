package dev.herald.api;

import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * JSON responses of the HTTP API. The server runs in Vert.x's strict thread mode (a response may only be written on
 * its connection's event loop), and an answer often follows a future that another loop or an engine completed: the
 * write is moved to the request's loop when called elsewhere.
 */
public final class Responses {

  private Responses() {
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    ContextInternal home = ((HttpServerRequestInternal) ctx.request()).context();
    if (!home.inThread()) {
      home.runOnContext(v -> json(ctx, status, body));
      return;
    }
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
