package dev.herald.transport.sse;

import dev.herald.fanout.ClientSession;
import dev.herald.fanout.CloseReason;
import dev.herald.message.Channel;
import dev.herald.message.ChannelMessage;
import dev.herald.message.MessageId;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.metrics.Meters;
import dev.herald.security.Admission;
import dev.herald.transport.ChannelConnection;
import dev.herald.transport.ChannelTakeover;
import dev.herald.transport.ResumeToken;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpResponse;
import java.util.Map;

/**
 * One Server-Sent Events stream on a channel taken from Vert.x ({@link ChannelTakeover}): writes the response
 * head and then each event as a chunk ({@link SseChunks}) straight to the channel, flushed once per event-loop
 * turn. The client sends nothing after its request, so whatever it sends is read and dropped: reading finds its
 * close. Vert.x's HTTP metrics see the stream as a request whose response began when the stream opened and ended
 * when it closed, as with Vert.x's own chunked responses.
 */
final class SseConnection extends ChannelConnection implements ClientSession.Heartbeats {

  /** How Vert.x's HTTP metrics see the stream; null when they are off. */
  private final HttpServerMetrics<Object, ?, ?> httpMetrics;
  private final Object requestMetric;
  /** The answer as those metrics see it; not Vert.x's response, which would keep its connection and request. */
  private Answer answer;
  private Map<String, String> since = Map.of();
  private final long closingTimeoutMs;
  private boolean heartbeatPending;
  private long bytesWritten;

  /**
   * @param closingTimeoutMs how long the stream's last chunk may wait to leave before the connection is cut
   * @param requestMetric Vert.x's metric of the stream's request, or null
   */
  @SuppressWarnings("unchecked")
  SseConnection(ContextInternal context, HeraldMetrics metrics, Admission.Ticket ticket, long closingTimeoutMs,
      Http1xServerConnection conn, Object requestMetric) {
    super(context, metrics, Meters.SSE, ticket, conn);
    this.closingTimeoutMs = closingTimeoutMs;
    boolean metered = conn.metrics() != null && requestMetric != null;
    this.httpMetrics = metered ? (HttpServerMetrics<Object, ?, ?>) conn.metrics() : null;
    this.requestMetric = metered ? requestMetric : null;
  }

  /**
   * Writes the response head ({@code 200} with {@code headers}); {@code since} is what the stream was opened with
   * (the resume tokens keep it).
   */
  void start(MultiMap headers, Map<String, String> since) {
    this.since = since;
    if (httpMetrics != null) {
      answer = new Answer(headers);
      httpMetrics.responseBegin(requestMetric, answer);
    }
    out(SseChunks.head(ctx.alloc(), headers));
    // So proxies and clients see the stream open at once.
    out(SseChunks.comment(ctx.alloc(), ": ok"));
  }

  @Override
  protected ByteBuf encode(ChannelMessage message) {
    ByteBuf event;
    if (session.channelCount() == 1) {
      event = SseChunks.message(message);
    } else {
      // The session records this message's position only once it is written, so the token adds it here.
      Map<Channel, MessageId> positions = session.positions();
      positions.put(message.channel(), message.id());
      event = SseChunks.message(ctx.alloc(), message,
          ResumeToken.encode(session.channels(), positions, since));
    }
    bytesWritten += event.readableBytes();
    return event;
  }

  /** A control frame as {@code event: <op>} with the frame JSON as data, and no id. */
  @Override
  public void send(Buffer frame) {
    out(SseChunks.control(ctx.alloc(), new JsonObject(frame).getString("op", "control"), frame));
  }

  /**
   * A comment line. The client sends nothing on an SSE stream, so a heartbeat that reached the kernel counts as
   * activity, and so does a queue that moved since the last one (a client reading behind its queue,
   * {@link #readSinceLastCheck()}); a client that stops reading does neither and is found by the idle and stall
   * checks.
   */
  @Override
  public void heartbeat() {
    if (readSinceLastCheck()) {
      session.touch();
    }
    if (heartbeatPending) {
      return;
    }
    ChannelPromise written = ctx.newPromise();
    written.addListener(f -> {
      heartbeatPending = false;
      if (f.isSuccess() && session != null) {
        context.dispatch(v -> session.touch());
      }
    });
    ByteBuf hb = SseChunks.comment(ctx.alloc(), ": hb");
    bytesWritten += hb.readableBytes();
    heartbeatPending = write(hb, written);
  }

  /**
   * Ends the response with its last chunk, then closes the connection: it carried nothing else. A client that
   * stopped reading never takes that chunk, so the connection is cut after the closing timeout in any case.
   */
  @Override
  public void close(CloseReason reason) {
    if (closing) {
      return;
    }
    closing = true;
    ctx.writeAndFlush(SseChunks.last(ctx.alloc())).addListener(ChannelFutureListener.CLOSE);
    closeWithin(closingTimeoutMs);
  }

  private void out(ByteBuf bytes) {
    bytesWritten += bytes.readableBytes();
    write(bytes);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  @Override
  protected void released() {
    if (answer != null) {
      httpMetrics.responseEnd(requestMetric, answer, bytesWritten);
    }
  }

  private record Answer(MultiMap headers) implements HttpResponse {
    @Override
    public int statusCode() {
      return 200;
    }
  }
}
