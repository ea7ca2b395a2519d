package dev.herald.api;

import dev.herald.ingest.EntryParser;
import dev.herald.security.PublisherKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The demo thread's keyless endpoints (only with {@code demo.enabled}): {@code POST /demo/post} builds a post to
 * {@code thread:demo} from {@code {name, message}} and enqueues it through the same path as
 * {@code /api/posts}; {@code GET /demo/stats} answers the node's connected clients. Posting is same-origin only
 * and can never reach another thread.
 */
public final class DemoApi {

  /** The demo vouches for what it enqueues itself: a post of thread {@code demo}, on its four namespaces. */
  private static final PublisherKeys.Verdict.Granted DEMO_GRANT =
      new PublisherKeys.Verdict.Granted(Set.of("forum", "thread", "user", "post"));

  /** The only thread (and forum) the demo posts to. */
  public static final String THREAD = "demo";
  private static final int MAX_NAME = 60;
  private static final int MAX_MESSAGE = 2000;

  private final PublishApi publish;
  private final Supplier<Future<Integer>> connectedClients;

  public DemoApi(PublishApi publish, Supplier<Future<Integer>> connectedClients) {
    this.publish = publish;
    this.connectedClients = connectedClients;
  }

  public void post(RoutingContext ctx) {
    if (!sameOrigin(ctx)) {
      Responses.error(ctx, 403, "the demo accepts posts from its own page only", null);
      return;
    }
    JsonObject in;
    try {
      in = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      in = null;
    }
    String name = in == null ? null : in.getValue("name") instanceof String s ? s.strip() : null;
    String message = in == null ? null : in.getValue("message") instanceof String s ? s.strip() : null;
    if (name == null || name.isEmpty() || name.length() > MAX_NAME) {
      Responses.error(ctx, 400, "name must be 1 to " + MAX_NAME + " characters", "name");
      return;
    }
    if (message == null || message.isEmpty() || message.length() > MAX_MESSAGE) {
      Responses.error(ctx, 400, "message must be 1 to " + MAX_MESSAGE + " characters", "message");
      return;
    }
    String id = UUID.randomUUID().toString();
    JsonObject post = new JsonObject().put("id", id).put("forum", THREAD).put("thread", THREAD)
        .put("author", new JsonObject().put("id", "demo-guest").put("name", name))
        .put("message", "<p>" + escape(message) + "</p>")
        // Milliseconds, so pages can show the end-to-end latency.
        .put("createdAt", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
    publish.accept(ctx, EntryParser.POST, DEMO_GRANT, post.encode());
  }

  public void stats(RoutingContext ctx) {
    connectedClients.get().onComplete(r -> Responses.json(ctx, r.succeeded() ? 200 : 503,
        new JsonObject().put("clients", r.succeeded() ? r.result() : null)));
  }

  /** The browser's {@code Origin} must name this very host: a form on another site cannot post. */
  private static boolean sameOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    String host = ctx.request().getHeader("Host");
    return origin != null && host != null
        && (origin.equals("http://" + host) || origin.equals("https://" + host));
  }

  private static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
