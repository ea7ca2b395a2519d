package dev.herald.transport.sse;

import dev.herald.fanout.ClientSession;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.metrics.Meters;
import dev.herald.security.Admission;
import dev.herald.transport.ChannelTakeover;
import dev.herald.transport.ResumeToken;
import dev.herald.transport.SessionFactory;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /sse?channels=a:1,b:2[&since=<token>]}: Server-Sent Events. The browser's reconnect sends the last
 * event id ({@code Last-Event-ID}), which wins over {@code since}; both are {@link ResumeToken}s. The stream
 * starts with a {@code subscribed} event per channel; messages follow as {@code event: message}. A stream the node
 * does not admit is answered {@code 503} with {@code Retry-After}, or {@code 429} (see {@link SessionFactory#refuse});
 * {@code ?token=} grants private channels. An HTTP/1.1 stream takes its channel from Vert.x once its request is
 * read ({@link SseConnection}); HTTP/2 streams are written through Vert.x's response ({@link SseSubscriber}). One
 * instance per event loop; the handlers below run on it.
 */
public final class SseTransport {

  private final SessionFactory sessions;
  private final long closingTimeoutMs;

  /** @param closingTimeoutMs how long the end of a closing stream may wait to leave before the connection is cut */
  public SseTransport(SessionFactory sessions, long closingTimeoutMs) {
    this.sessions = sessions;
    this.closingTimeoutMs = closingTimeoutMs;
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
    if (req.version() != HttpVersion.HTTP_1_1 || ChannelTakeover.pipelineOf(req) == null) {
      streamThroughVertx(req, resp, channels, since);
      return;
    }
    // The channel leaves Vert.x once Vert.x has read the whole request (the router paused it).
    if (req.isEnded()) {
      stream(req, resp, channels, since);
    } else {
      req.endHandler(v -> stream(req, resp, channels, since));
      req.resume();
    }
  }

  /** An HTTP/1.1 stream: the connection's channel is taken from Vert.x ({@link SseConnection}). */
  private void stream(HttpServerRequest req, HttpServerResponse resp, List<String> channels,
      Map<String, String> since) {
    ChannelPipeline pipeline = ChannelTakeover.pipelineOf(req);
    if (pipeline == null) {
      return; // closed while its request was read
    }
    Admission.Result admitted = sessions.admit(req);
    if (!(admitted instanceof Admission.Ticket ticket)) {
      SessionFactory.refuse(resp, admitted);
      return;
    }
    streamHeaders(resp);
    SseConnection connection = new SseConnection((ContextInternal) Vertx.currentContext(), sessions.metrics(), ticket,
        closingTimeoutMs, (Http1xServerConnection) req.connection(),
        req instanceof HttpServerRequestInternal r ? r.metric() : null);
    ChannelHandlerContext channel = ChannelTakeover.install(pipeline, connection);
    connection.start(resp.headers(), since);
    ClientSession session = sessions.open(connection, req.getParam("token"));
    connection.open(session, sessions.unsentBound());
    session.subscribe(channels, since, null);
    ChannelTakeover.startReading(channel, null);
  }

  /** HTTP/2 (and HTTP/1.0): the stream is written through Vert.x's response ({@link SseSubscriber}). */
  private void streamThroughVertx(HttpServerRequest req, HttpServerResponse resp, List<String> channels,
      Map<String, String> since) {
    Admission.Result admitted = sessions.admit(req);
    if (!(admitted instanceof Admission.Ticket ticket)) {
      SessionFactory.refuse(resp, admitted);
      return;
    }
    streamHeaders(resp);
    HeraldMetrics.TransportMeters meters = sessions.metrics().transport(Meters.SSE);
    SseSubscriber subscriber = new SseSubscriber(req, sessions.maxBufferedBytes(), closingTimeoutMs, meters);
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

  private static void streamHeaders(HttpServerResponse resp) {
    resp.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache, no-transform").putHeader("X-Accel-Buffering", "no");
  }
}
