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
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One long-poll request: collects the message frames offered to it and answers them as one batch,
 * {@code {"messages":[…],"since":"<token>"}}, on the first message or error (at the end of the event-loop turn, so
 * the frames of that turn go together) or when the poll times out; the session is then closed. {@code error} frames
 * go into {@code "errors":[…]}, present only when there are some; other control frames are not part of the answer. Only touched on the request's event loop.
 */
final class LongPollSubscriber implements Subscriber {

  private static final byte[] COMMA = {','};

  private final HttpServerResponse response;
  private final Context context;
  private final long maxBufferedBytes;
  private final List<Buffer> frames = new ArrayList<>();
  private final List<Buffer> errors = new ArrayList<>();
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
    scheduleAnswer();
    return Offer.WRITTEN;
  }

  /**
   * Keeps {@code error} frames (a channel refused, a limit hit) for the answer's {@code errors} and answers at
   * once, so the client learns of them without waiting for the poll to time out; subscribed/unsubscribed frames
   * have no place in a poll answer, the token carries the positions.
   */
  @Override
  public void send(Buffer frame) {
    if (answered || !"error".equals(new JsonObject(frame).getString("op"))) {
      return;
    }
    errors.add(frame);
    scheduleAnswer();
  }

  private void scheduleAnswer() {
    if (!answerScheduled) {
      answerScheduled = true;
      context.runOnContext(v -> answer());
    }
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
    body.appendString("]");
    if (!errors.isEmpty()) {
      body.appendString(",\"errors\":[");
      for (int i = 0; i < errors.size(); i++) {
        if (i > 0) {
          body.appendBytes(COMMA);
        }
        body.appendBuffer(errors.get(i));
      }
      body.appendString("]");
    }
    body.appendString(",\"since\":\"").appendString(token).appendString("\"}");
    frames.clear();
    errors.clear();
    response.putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store").end(body);
  }
}
