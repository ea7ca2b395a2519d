package dev.herald.transport.websocket;

import dev.herald.fanout.ClientSession;
import dev.herald.fanout.CloseReason;
import dev.herald.fanout.ErrorCode;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.metrics.Meters;
import dev.herald.fanout.ServerFrames;
import dev.herald.security.Admission;
import dev.herald.transport.SessionFactory;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /ws}: the raw WebSocket transport. Channels may be given in the URL ({@code ?channels=a:1,b:2}) and
 * with subscribe frames; every frame is JSON text. A connection the node does not admit is still upgraded, then
 * told why in a {@code disconnect} frame ({@code overloaded} with {@code retryAfterMs}, or
 * {@code too_many_connections}) and closed (1013, 1008): browsers cannot read the status of a refused handshake.
 * One instance per event loop.
 */
public final class WebSocketTransport {

  private final SessionFactory sessions;

  public WebSocketTransport(SessionFactory sessions) {
    this.sessions = sessions;
  }

  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (!sessions.originAllowed(req.getHeader("Origin"))) {
      ctx.response().setStatusCode(403).end("{\"error\":\"origin not allowed\"}");
      return;
    }
    List<String> channels = SessionFactory.channelsParam(req.getParam("channels"));
    String token = req.getParam("token");
    Admission.Result admitted = sessions.admit(req);
    req.toWebSocket().onSuccess(ws -> {
      if (admitted instanceof Admission.Ticket ticket) {
        open(ws, channels, token, ticket);
      } else {
        refuse(ws, admitted);
      }
    }).onFailure(e -> {
      if (admitted instanceof Admission.Ticket ticket) {
        ticket.release();
      }
      ctx.response().setStatusCode(400).end();
    });
  }

  private static void refuse(ServerWebSocket ws, Admission.Result refusal) {
    CloseReason reason = refusal instanceof Admission.Overloaded ? CloseReason.OVERLOADED
        : CloseReason.TOO_MANY_CONNECTIONS;
    long retryAfterMs = refusal instanceof Admission.Overloaded o ? o.retryAfterMs() : 0;
    ws.writeTextMessage(ServerFrames.disconnect(reason, retryAfterMs, Map.of()).toString());
    ws.close((short) reason.webSocketStatus(), reason.reason());
  }

  private void open(ServerWebSocket ws, List<String> channels, String token, Admission.Ticket ticket) {
    WebSocketSubscriber subscriber = new WebSocketSubscriber(ws, sessions.maxBufferedBytes(), sessions.metrics());
    HeraldMetrics.TransportMeters meters = sessions.metrics().transport(Meters.WEBSOCKET);
    meters.opened();
    ClientSession session = sessions.open(subscriber, token);
    ws.textMessageHandler(text -> session.onFrame(text, utf8Length(text, sessions.maxFrameBytes())));
    ws.binaryMessageHandler(b -> session.badFrame(ErrorCode.BAD_FRAME, "binary frames are not supported"));
    ws.pongHandler(b -> session.touch());
    ws.closeHandler(v -> {
      meters.closed();
      ticket.release();
      session.closed();
    });
    ws.exceptionHandler(e -> {
      ticket.release();
      session.closed();
    });
    session.hello();
    if (!channels.isEmpty()) {
      session.subscribe(channels, Map.of(), null);
    }
  }

  /** The UTF-8 size, computed exactly only when it could exceed the limit. */
  private static int utf8Length(String text, int limit) {
    if ((long) text.length() * 3 <= limit) {
      return text.length();
    }
    return text.getBytes(StandardCharsets.UTF_8).length;
  }
}
