package dev.herald.transport.sse;

import dev.herald.fanout.ClientSession;
import dev.herald.fanout.CloseReason;
import dev.herald.message.Channel;
import dev.herald.message.ChannelMessage;
import dev.herald.message.MessageId;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.transport.StreamSubscriber;
import dev.herald.transport.ResumeToken;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One Server-Sent Events stream through Vert.x's response: HTTP/2 and HTTP/1.0 (HTTP/1.1 streams take their channel,
 * {@link SseConnection}). A message is written as {@code id: <resume token>}, {@code event: message} and
 * {@code data: <the shared message frame>}: the per-connection lines are put around the shared frame's bytes
 * without copying them. Counts the bytes of writes not yet handed to the kernel and refuses messages above the
 * bound, so the session switches the client to catch-up. Only touched on the response's event loop.
 */
final class SseSubscriber extends StreamSubscriber implements ClientSession.Heartbeats {

  private static final byte[] EVENT_DATA = "\nevent: message\ndata: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final Buffer HEARTBEAT = Buffer.buffer(": hb\n\n");

  private final Vertx vertx;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final long closingTimeoutMs;
  private final HeraldMetrics.TransportMeters meters;
  private ClientSession session;
  private Map<String, String> since = Map.of();
  private boolean heartbeatPending;

  /**
   * Built on the request's event loop. {@code closingTimeoutMs}: how long the end of a closing stream may wait to
   * leave before the stream is cut.
   */
  SseSubscriber(HttpServerRequest request, long maxBufferedBytes, long closingTimeoutMs,
      HeraldMetrics.TransportMeters meters) {
    super(maxBufferedBytes);
    this.vertx = Vertx.currentContext().owner();
    this.request = request;
    this.response = request.response();
    this.closingTimeoutMs = closingTimeoutMs;
    this.meters = meters;
  }

  /** The session whose positions make the resume tokens; set once, right after it is opened. */
  void attach(ClientSession session, Map<String, String> since) {
    this.session = session;
    this.since = since;
  }

  @Override
  protected void writeMessage(ChannelMessage message) {
    // The session records this message's position only once it is written, so the token adds it here.
    Map<Channel, MessageId> positions = session.positions();
    positions.put(message.channel(), message.id());
    byte[] id = ("id: " + ResumeToken.encode(session.channels(), positions, since)).getBytes(StandardCharsets.US_ASCII);
    Buffer event = BufferInternal.buffer(Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(id),
        Unpooled.wrappedBuffer(EVENT_DATA), ((BufferInternal) message.frame()).getByteBuf(),
        Unpooled.wrappedBuffer(END)));
    write(event);
  }

  /** A control frame as {@code event: <op>} with the frame JSON as data, and no id. */
  @Override
  public void send(Buffer frame) {
    String op = new JsonObject(frame).getString("op", "control");
    write(Buffer.buffer("event: " + op + "\ndata: ").appendBuffer(frame).appendBytes(END));
  }

  /**
   * Ends the response. A client that stopped reading never takes the end (HTTP/2's flow control holds it, or the
   * socket), so a stream still open after the closing timeout is cut: reset on HTTP/2, its connection closed on
   * HTTP/1.0.
   */
  @Override
  public void close(CloseReason reason) {
    if (!response.ended() && !response.closed()) {
      response.end();
      vertx.setTimer(closingTimeoutMs, t -> cutIfOpen());
    }
  }

  private void cutIfOpen() {
    if (response.closed()) {
      return;
    }
    meters.cut();
    if (request.version() == HttpVersion.HTTP_2) {
      response.reset();
    } else {
      request.connection().close();
    }
  }

  /**
   * A comment line. The client sends nothing on an SSE stream, so a heartbeat that reached the kernel counts as
   * activity, and so do writes completed since the last one (a client reading behind its queue,
   * {@link #wroteSinceLastCheck()}); a client that stops reading does neither and is found by the idle and stall
   * checks.
   */
  @Override
  public void heartbeat() {
    if (wroteSinceLastCheck() && session != null) {
      session.touch();
    }
    if (heartbeatPending) {
      return;
    }
    heartbeatPending = true;
    write(HEARTBEAT).onComplete(r -> {
      heartbeatPending = false;
      if (r.succeeded() && session != null) {
        session.touch();
      }
    });
  }

  /** Sends a comment at once so proxies and clients see the stream open. */
  void open() {
    write(Buffer.buffer(": ok\n\n"));
  }

  private Future<Void> write(Buffer data) {
    if (response.closed() || response.ended()) {
      return Future.failedFuture("closed");
    }
    return outbound.track(response.write(data), data.length());
  }
}
