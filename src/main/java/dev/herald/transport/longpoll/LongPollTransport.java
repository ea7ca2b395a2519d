package dev.herald.transport.longpoll;

import dev.herald.fanout.ClientSession;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.metrics.Meters;
import dev.herald.security.Admission;
import dev.herald.transport.ResumeToken;
import dev.herald.transport.SessionFactory;
import dev.herald.message.Channel;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /poll?channels=a:1,b:2[&since=<token>]}: long-poll. Each request opens a session that resumes from
 * the {@link ResumeToken} (or starts from now without one) and answers the first batch of messages, or an empty
 * list after {@code transport.pollTimeoutMs}. Messages published between two polls are in the history, so the next
 * poll's token resumes them. Every poll is admitted like a new connection: a refused one is answered {@code 503}
 * with {@code Retry-After}, or {@code 429} (see {@link SessionFactory#refuse}). {@code ?token=} grants private
 * channels; a refused channel is named in the answer's {@code errors}. One instance per event loop; the handlers
 * below run on it.
 */
public final class LongPollTransport {

  private final SessionFactory sessions;

  public LongPollTransport(SessionFactory sessions) {
    this.sessions = sessions;
  }

  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    HttpServerResponse resp = ctx.response();
    if (!sessions.admitOrigin(req, resp)) {
      return;
    }
    Map<String, String> since = ResumeToken.decode(req.getParam("since"));
    List<String> channels = SessionFactory.channelsOrAnswer400(req, resp, since);
    if (channels.isEmpty()) {
      return;
    }
    for (String name : channels) {
      try {
        Channel.parse(name);
      } catch (IllegalArgumentException e) {
        // A poll answer has no place for per-channel errors, so a bad name fails the whole request.
        resp.setStatusCode(400).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("error", e.getMessage()).put("channel", name.length() > 200 ? null : name)
                .encode());
        return;
      }
    }
    Admission.Result admitted = sessions.admit(req);
    if (!(admitted instanceof Admission.Ticket ticket)) {
      SessionFactory.refuse(resp, admitted);
      return;
    }
    Vertx vertx = ctx.vertx();
    HeraldMetrics.TransportMeters meters = sessions.metrics().transport(Meters.LONGPOLL);
    LongPollSubscriber subscriber = new LongPollSubscriber(resp, vertx.getOrCreateContext(),
        sessions.maxBufferedBytes());
    ClientSession session = sessions.open(subscriber, req.getParam("token"));
    subscriber.attach(session, since);
    meters.opened();
    long timer = vertx.setTimer(sessions.transport().pollTimeoutMs(), t -> subscriber.answer());
    // The request ends when answered (end) or when the client goes first (close); once only.
    boolean[] ended = {false};
    Runnable end = () -> {
      if (!ended[0]) {
        ended[0] = true;
        vertx.cancelTimer(timer);
        meters.closed();
        ticket.release();
        session.closed();
      }
    };
    resp.closeHandler(v -> end.run());
    resp.endHandler(v -> end.run());
    session.subscribe(channels, since, null);
  }
}
