package dev.herald.api;

import dev.herald.engine.Queue;
import dev.herald.ingest.EntryParser;
import dev.herald.ingest.ParsedEntry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.logging.Logger;

/**
 * {@code POST /api/posts} and {@code POST /api/publish}: validate the body with the same parser as stream entries,
 * then append it to the ingest queue and answer {@code 202 {"ingestId":…}} once the queue confirmed. Invalid input
 * gets {@code 400 {"error","field"}}; an unreachable queue {@code 503} (the append is atomic: nothing is
 * half-written).
 */
public final class PublishApi {

  private static final Logger LOG = Logger.getLogger(PublishApi.class.getName());

  private final Queue queue;
  private final EntryParser parser;

  public PublishApi(Queue queue, EntryParser parser) {
    this.queue = queue;
    this.parser = parser;
  }

  public void posts(RoutingContext ctx) {
    accept(ctx, EntryParser.POST);
  }

  public void publish(RoutingContext ctx) {
    accept(ctx, EntryParser.PUBLISH);
  }

  /** Validates and enqueues the request body as the given entry field. */
  public void accept(RoutingContext ctx, String field) {
    accept(ctx, field, ctx.body() == null ? null : ctx.body().asString());
  }

  /** Validates and enqueues {@code body} (built by the caller, e.g. the demo) as the given entry field. */
  public void accept(RoutingContext ctx, String field, String body) {
    if (body == null || body.isBlank()) {
      Responses.error(ctx, 400, "request body must be a JSON object", null);
      return;
    }
    ParsedEntry parsed = EntryParser.POST.equals(field) ? parser.parsePost("", 0, body)
        : parser.parsePublish("", 0, body);
    if (parsed instanceof ParsedEntry.Rejected r) {
      Responses.error(ctx, 400, r.reason(), r.field());
      return;
    }
    queue.add(Map.of(field, body)).onComplete(r -> {
      if (r.succeeded()) {
        Responses.json(ctx, 202, new JsonObject().put("ingestId", r.result()));
      } else {
        LOG.warning("ingest queue unavailable: " + r.cause().getMessage());
        Responses.error(ctx, 503, "ingest queue unavailable, nothing was written; retry later", null);
      }
    });
  }
}
