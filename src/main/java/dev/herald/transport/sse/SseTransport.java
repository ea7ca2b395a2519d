package dev.herald.transport.sse;

import dev.herald.fanout.ClientSession;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.metrics.Meters;
import dev.herald.security.Admission;
import dev.herald.transport.ResumeToken;
import dev.herald.transport.SessionFactory;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /sse?channels=a:1,b:2[&since=<token>]}: Server-Sent Events. The browser's reconnect sends the last
 * event id ({@code Last-Event-ID}), which wins over {@code since}; both are {@link ResumeToken}s. The stream
 * starts with a {@code subscribed} event per channel; messages follow as {@code event: message}. A stream the node
 * does not admit is answered {@code 503} with {@code Retry-After}, or {@code 429} (see {@link SessionFactory#refuse});
 * {@code ?token=} grants private channels. One instance per event loop; the handlers below run on it.
 */
public final class SseTransport {

  private final SessionFactory sessions;

  public SseTransport(SessionFactory sessions) {
    this.sessions = sessions;
  }

  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    HttpServerResponse resp = ctx.response();
    if (!sessions.admitOrigin(req, resp)) {
      return;
    }
    String token = req.getHeader("Last-Event-ID");
    if (token == null || token.isBlank()) {
      token = req.getParam("since");
    }
    Map<String, String> since = ResumeToken.decode(token);
    List<String> channels = SessionFactory.channelsOrAnswer400(req, resp, since);
    if (channels.isEmpty()) {
      return;
    }
    Admission.Result admitted = sessions.admit(req);
    if (!(admitted instanceof Admission.Ticket ticket)) {
      SessionFactory.refuse(resp, admitted);
      return;
    }
    resp.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache, no-transform").putHeader("X-Accel-Buffering", "no");
    HeraldMetrics.TransportMeters meters = sessions.metrics().transport(Meters.SSE);
    SseSubscriber subscriber = new SseSubscriber(resp, sessions.maxBufferedBytes(), sessions.metrics());
    ClientSession session = sessions.open(subscriber, req.getParam("token"));
    subscriber.attach(session, since);
    meters.opened();
    // The stream ends when the client goes (close, exception) or when the server ends it (end); once only.
    boolean[] ended = {false};
    Runnable end = () -> {
      if (!ended[0]) {
        ended[0] = true;
        meters.closed();
        ticket.release();
        session.closed();
      }
    };
    resp.closeHandler(v -> end.run());
    resp.endHandler(v -> end.run());
    resp.exceptionHandler(e -> end.run());
    subscriber.open();
    session.subscribe(channels, since, null);
  }
}
