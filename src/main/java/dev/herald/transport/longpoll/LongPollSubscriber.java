package dev.herald.transport.longpoll;

import dev.herald.fanout.ClientSession;
import dev.herald.fanout.CloseReason;
import dev.herald.fanout.Offer;
import dev.herald.fanout.Subscriber;
import dev.herald.message.ChannelMessage;
import dev.herald.transport.ResumeToken;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One long-poll request: collects the message frames offered to it and answers them as one batch,
 * {@code {"messages":[…],"since":"<token>"}}, on the first message (at the end of the event-loop turn, so the
 * messages of that turn go together) or when the poll times out; the session is then closed. Control frames are
 * not part of the answer. Only touched on the request's event loop.
 */
final class LongPollSubscriber implements Subscriber {

  private static final byte[] COMMA = {','};

  private final HttpServerResponse response;
  private final Context context;
  private final long maxBufferedBytes;
  private final List<Buffer> frames = new ArrayList<>();
  private ClientSession session;
  private Map<String, String> since = Map.of();
  private long buffered;
  private boolean answerScheduled;
  private boolean answered;

  LongPollSubscriber(HttpServerResponse response, Context context, long maxBufferedBytes) {
    this.response = response;
    this.context = context;
    this.maxBufferedBytes = maxBufferedBytes;
  }

  /** The session and the {@code since} it was opened with; set once, right after it is opened. */
  void attach(ClientSession session, Map<String, String> since) {
    this.session = session;
    this.since = since;
  }

  @Override
  public Offer offer(ChannelMessage message) {
    if (answered || buffered >= maxBufferedBytes) {
      // The session keeps this message's position unchanged, so the next poll gets it from history.
      return Offer.FULL;
    }
    frames.add(message.frame());
    buffered += message.frame().length();
    if (!answerScheduled) {
      answerScheduled = true;
      context.runOnContext(v -> answer());
    }
    return Offer.WRITTEN;
  }

  @Override
  public void send(Buffer frame) {
    // subscribed/unsubscribed/error frames have no place in a poll answer; the token carries the positions.
  }

  /** Never called back: a poll answers at once and never drains; its session ends with the answer. */
  @Override
  public void whenDrained(Runnable action) {
  }

  @Override
  public long bufferedBytes() {
    return buffered;
  }

  @Override
  public void close(CloseReason reason) {
    answer();
  }

  /** Answers what was collected (possibly nothing) with the session's positions as the next token. */
  void answer() {
    if (answered) {
      return;
    }
    answered = true;
    String token = ResumeToken.encode(session.channels(), session.positions(), since);
    session.closed();
    if (response.ended() || response.closed()) {
      return;
    }
    Buffer body = Buffer.buffer((int) buffered + frames.size() + token.length() + 32).appendString("{\"messages\":[");
    for (int i = 0; i < frames.size(); i++) {
      if (i > 0) {
        body.appendBytes(COMMA);
      }
      body.appendBuffer(frames.get(i));
    }
    body.appendString("],\"since\":\"").appendString(token).appendString("\"}");
    frames.clear();
    response.putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store").end(body);
  }
}
