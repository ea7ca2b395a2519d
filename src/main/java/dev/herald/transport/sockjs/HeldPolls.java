package dev.herald.transport.sockjs;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The xhr polls a SockJS endpoint holds, node-wide (a session's requests may reach any event loop). vertx-web
 * 5.0.10 answers a second concurrent poll with {@code c[2010,"Another connection still open"]} but then drops the
 * listener of the first, held one, and when the client aborts that first poll the session's next poll can hang.
 * Herald answers the second poll itself, so vertx-web never sees it. Thread-safe.
 */
final class HeldPolls {

  private static final Pattern XHR_POLL = Pattern.compile("^(.*/[^/.]+/[^/.]+)/xhr$");
  private static final String ANOTHER_CONNECTION = "c[2010,\"Another connection still open\"]\n";

  /** One held poll: who holds it (so only its own end frees it) and the event loop of its connection. */
  private record Held(String id, Context context) implements Shareable {
  }

  private final LocalMap<String, Held> held;

  HeldPolls(Vertx vertx) {
    this.held = vertx.sharedData().getLocalMap("herald.sockjs.heldPolls");
  }

  /** Continues the route ({@code ctx.next()}) unless another poll of the session is held, then answers 2010. */
  void admit(RoutingContext ctx, String path) {
    Matcher m = XHR_POLL.matcher(path);
    if (!m.matches() || ctx.request().method() != HttpMethod.POST) {
      ctx.next();
      return;
    }
    String session = m.group(1);
    Held mine = new Held(UUID.randomUUID().toString(), Vertx.currentContext());
    if (take(ctx, session, mine)) {
      return;
    }
    // A client that aborts a poll and polls again at once: the abort may not have been read yet on the held
    // poll's event loop. A task queued there runs after that loop's pending I/O, so check again afterwards.
    Held other = held.get(session);
    Context back = Vertx.currentContext();
    if (other == null || other.context() == null) {
      retry(ctx, session, mine);
      return;
    }
    other.context().runOnContext(v -> back.runOnContext(w -> retry(ctx, session, mine)));
  }

  private void retry(RoutingContext ctx, String session, Held mine) {
    if (take(ctx, session, mine) || ctx.response().closed()) {
      return;
    }
    String origin = ctx.request().getHeader("Origin");
    ctx.response().putHeader("Content-Type", "application/javascript; charset=UTF-8")
        .putHeader("Cache-Control", "no-store, no-cache, no-transform, must-revalidate, max-age=0")
        .putHeader("Access-Control-Allow-Origin", origin == null ? "*" : origin)
        .putHeader("Access-Control-Allow-Credentials", "true").end(ANOTHER_CONNECTION)
        // Closed as vertx-web closes its own poll answers (the response says Connection: close).
        .onComplete(r -> ctx.request().connection().close());
  }

  /** Marks the session's poll as held by this request and continues the route; false when another holds it. */
  private boolean take(RoutingContext ctx, String session, Held mine) {
    if (held.putIfAbsent(session, mine) != null) {
      return false;
    }
    // vertx-web's transport replaces the response's close handler, and closes the connection when the poll
    // ends or is aborted; the connection's close is therefore the one signal seen in every case.
    ctx.request().connection().closeHandler(v -> held.removeIfPresent(session, mine));
    ctx.addEndHandler(r -> held.removeIfPresent(session, mine));
    ctx.next();
    return true;
  }
}
