package dev.herald.api;

import dev.herald.engine.DeadLetter;
import dev.herald.cluster.SubscriberCensus;
import dev.herald.engine.History;
import dev.herald.engine.Queue;
import dev.herald.ingest.EntryParser;
import dev.herald.message.Channel;
import dev.herald.message.MessageId;
import dev.herald.security.KeyHashes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The operators' API under {@code /admin}, every route behind {@code Authorization: Bearer <admin key>} (401
 * otherwise): channel inspection, moderation (purge a message and tell open pages with {@code message.deleted}),
 * dead letters (list, replay) and drain. One instance per event loop.
 */
public final class AdminApi {

  /** Event type published on a channel after one of its messages was purged. */
  public static final String MESSAGE_DELETED = "message.deleted";
  private static final Logger LOG = Logger.getLogger(AdminApi.class.getName());
  private static final int DEFAULT_DEAD_LETTERS = 100;
  private static final int MAX_DEAD_LETTERS = 10_000;

  /** What the API needs from the node that runs it. */
  public interface Node {
    /** Subscribers of {@code channel} on every node of the cluster (this node alone when not clustered). */
    Future<SubscriberCensus.Count> subscribers(Channel channel);

    /** Starts the drain (stop ingest, disconnect clients; the process exits when it runs as one). */
    void requestDrain();
  }

  private final Queue queue;
  private final History history;
  private final Node node;
  private final Supplier<List<String>> keyHashes;

  /**
   * {@code keyHashes}: SHA-256 hex of every accepted admin key (empty closes the API), read for each request so a
   * config reload applies to the next one.
   */
  public AdminApi(Queue queue, History history, Node node, Supplier<List<String>> keyHashes) {
    this.queue = queue;
    this.history = history;
    this.node = node;
    this.keyHashes = keyHashes;
  }

  /** Mounts the routes on {@code router}. */
  public void mount(Router router) {
    router.route("/admin/*").handler(this::authorize);
    router.get("/admin/channels/:channel").handler(this::channel);
    router.delete("/admin/channels/:channel/messages/:id").handler(this::purge);
    router.get("/admin/dead").handler(this::deadLetters);
    router.post("/admin/dead/:id/replay").handler(this::replay);
    router.post("/admin/drain").handler(this::drain);
  }

  private void authorize(RoutingContext ctx) {
    if (KeyHashes.matches(KeyHashes.bearer(ctx.request().getHeader("Authorization")), keyHashes.get())) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer");
    Responses.error(ctx, 401, "admin key required", null);
  }

  private void channel(RoutingContext ctx) {
    Optional<Channel> channel = channel(ctx, ctx.pathParam("channel"));
    if (channel.isEmpty()) {
      return;
    }
    Channel ch = channel.get();
    Future<SubscriberCensus.Count> subscribers = node.subscribers(ch);
    Future<Long> size = history.size(ch);
    Future<MessageId> position = history.since(ch, null, 0).map(r -> r.position());
    Future.all(subscribers, size, position).onComplete(r -> {
      if (r.failed()) {
        unavailable(ctx, r.cause());
        return;
      }
      MessageId p = position.result();
      Responses.json(ctx, 200, new JsonObject().put("channel", ch.toString())
          .put("subscribers", subscribers.result().subscribers())
          .put("nodes", subscribers.result().nodes()).put("unansweredNodes", subscribers.result().unanswered())
          .put("historySize", size.result()).put("position", p == null ? null : p.toString()));
    });
  }

  private void purge(RoutingContext ctx) {
    Optional<Channel> channel = channel(ctx, ctx.pathParam("channel"));
    if (channel.isEmpty()) {
      return;
    }
    Optional<MessageId> id = MessageId.parse(ctx.pathParam("id"));
    if (id.isEmpty()) {
      Responses.error(ctx, 400, "not a message id", "id");
      return;
    }
    String event = new JsonObject().put("channel", channel.get().toString()).put("type", MESSAGE_DELETED)
        .put("data", new JsonObject().put("id", id.get().toString())).encode();
    history.remove(channel.get(), id.get()).compose(removed -> {
      if (!removed) {
        return Future.succeededFuture((String) null);
      }
      // Through the normal pipeline, so every node's subscribers get it in order and it is in the history.
      return queue.add(Map.of(EntryParser.PUBLISH, event));
    }).onComplete(r -> {
      if (r.failed()) {
        unavailable(ctx, r.cause());
      } else if (r.result() == null) {
        Responses.error(ctx, 404, "no such message in the channel's history", "id");
      } else {
        LOG.info("purged " + id.get() + " from " + channel.get());
        Responses.json(ctx, 200, new JsonObject().put("removed", true).put("eventIngestId", r.result()));
      }
    });
  }

  private void deadLetters(RoutingContext ctx) {
    int max = DEFAULT_DEAD_LETTERS;
    String param = ctx.request().getParam("max");
    if (param != null) {
      try {
        max = Math.min(MAX_DEAD_LETTERS, Math.max(1, Integer.parseInt(param)));
      } catch (NumberFormatException e) {
        Responses.error(ctx, 400, "max must be a whole number", "max");
        return;
      }
    }
    queue.deadLetters(max).onComplete(r -> {
      if (r.failed()) {
        unavailable(ctx, r.cause());
        return;
      }
      JsonArray list = new JsonArray();
      for (DeadLetter d : r.result()) {
        list.add(new JsonObject().put("id", d.id()).put("entryId", d.entryId()).put("reason", d.reason())
            .put("attempts", d.attempts()).put("fields", new JsonObject(Map.copyOf(d.fields()))));
      }
      Responses.json(ctx, 200, new JsonObject().put("deadLetters", list));
    });
  }

  private void replay(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    queue.replay(id).onComplete(r -> {
      if (r.succeeded()) {
        LOG.info("replayed dead letter " + id + " as " + r.result());
        Responses.json(ctx, 200, new JsonObject().put("replayed", id).put("ingestId", r.result()));
      } else if (r.cause() instanceof IllegalArgumentException) {
        Responses.error(ctx, 404, r.cause().getMessage(), "id");
      } else {
        unavailable(ctx, r.cause());
      }
    });
  }

  private void drain(RoutingContext ctx) {
    LOG.info("drain requested through the admin API");
    Responses.json(ctx, 202, new JsonObject().put("status", "draining"));
    node.requestDrain();
  }

  private static Optional<Channel> channel(RoutingContext ctx, String name) {
    try {
      return Optional.of(Channel.parse(name));
    } catch (IllegalArgumentException e) {
      Responses.error(ctx, 400, e.getMessage(), "channel");
      return Optional.empty();
    }
  }

  private static void unavailable(RoutingContext ctx, Throwable cause) {
    LOG.warning("admin request failed: " + cause.getMessage());
    Responses.error(ctx, 503, "engine unavailable: " + cause.getMessage(), null);
  }
}
