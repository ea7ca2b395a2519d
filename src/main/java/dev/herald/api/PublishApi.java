package dev.herald.api;

import dev.herald.engine.Queue;
import dev.herald.ingest.EntryParser;
import dev.herald.ingest.ParsedEntry;
import dev.herald.message.Channel;
import dev.herald.message.IngestItem;
import dev.herald.security.PublisherKeys;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * {@code POST /api/posts} and {@code POST /api/publish}: validate the body with the same parser as stream entries,
 * then append it to the ingest queue and answer {@code 202 {"ingestId":…}} once the queue confirmed. Invalid input
 * gets {@code 400 {"error","field"}}; an unreachable queue {@code 503} (the append is atomic: nothing is
 * half-written).
 *
 * <p>Both need {@code Authorization: Bearer <publisher key>}: {@link #authenticate} runs before the body is read
 * and answers {@code 401} to a missing or unknown key; once the body is parsed, a key not allowed on one of the
 * message's namespaces (for a post: forum, thread, user and post) gets {@code 403}. The keys are read per request,
 * so a config reload applies to the next one.
 */
public final class PublishApi {

  private static final Logger LOG = Logger.getLogger(PublishApi.class.getName());

  private static final String GRANT = "herald.publisher";

  private final Queue queue;
  private final EntryParser parser;
  private final Supplier<PublisherKeys> keys;

  /** {@code keys}: the publisher keys in force, read for each request. */
  public PublishApi(Queue queue, EntryParser parser, Supplier<PublisherKeys> keys) {
    this.queue = queue;
    this.parser = parser;
    this.keys = keys;
  }

  /** The first handler of the producer routes: refuses requests without a known key before their body is read. */
  public void authenticate(RoutingContext ctx) {
    PublisherKeys.Verdict v = keys.get().check(ctx.request().getHeader("Authorization"));
    if (v instanceof PublisherKeys.Verdict.Unauthorized u) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      Responses.error(ctx, 401, u.error(), null);
      return;
    }
    ctx.put(GRANT, v);
    ctx.next();
  }

  public void posts(RoutingContext ctx) {
    accept(ctx, EntryParser.POST);
  }

  public void publish(RoutingContext ctx) {
    accept(ctx, EntryParser.PUBLISH);
  }

  /** Validates and enqueues a body as the given entry field; {@link #authenticate} must have run first. */
  public void accept(RoutingContext ctx, String field) {
    accept(ctx, field, ctx.get(GRANT));
  }

  /**
   * Validates and enqueues a body on behalf of {@code grant}: a keyless route that restricts what it enqueues
   * itself (the demo thread) states here the namespaces it vouches for. Null grant: 401.
   */
  public void accept(RoutingContext ctx, String field, PublisherKeys.Verdict.Granted grant) {
    accept(ctx, field, grant, ctx.body() == null ? null : ctx.body().asString());
  }

  /** Validates and enqueues {@code body} (built by the caller, e.g. the demo) on behalf of {@code grant}. */
  public void accept(RoutingContext ctx, String field, PublisherKeys.Verdict.Granted grant, String body) {
    if (grant == null) {
      Responses.error(ctx, 401, "missing Authorization: Bearer <publisher key>", null);
      return;
    }
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
    String denied = grant.firstDenied(namespaces(((ParsedEntry.Accepted) parsed).item()));
    if (denied != null) {
      Responses.error(ctx, 403, "this publisher key may not publish to namespace " + denied, null);
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

  private static List<String> namespaces(IngestItem item) {
    List<Channel> channels = item.post() != null ? item.post().channels() : item.publish().channels();
    return channels.stream().map(Channel::namespace).distinct().toList();
  }
}
