package dev.herald.fanout;

import dev.herald.config.LimitsConfig;
import dev.herald.config.TransportConfig;
import dev.herald.engine.History;
import dev.herald.engine.Replay;
import dev.herald.message.Channel;
import dev.herald.message.ChannelMessage;
import dev.herald.message.MessageFrame;
import dev.herald.message.MessageId;
import dev.herald.metrics.Meters;
import io.vertx.core.AsyncResult;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The protocol of one client connection, whatever its transport: subscriptions (each checked by the
 * {@link SubscribePolicy}, and stopped with {@code token_expired} when the token that granted it expires), resume
 * from history, gap filling, catch-up of slow clients, limits and bad-frame accounting. Transports only move frames in and out
 * through a {@link Subscriber}. Only touched on its hub's event loop.
 */
public final class ClientSession {

  private static final long FETCH_RETRY_MS = 1000;
  private static final long FETCH_RETRY_MAX_MS = 30_000;
  private static final long MINUTE_MS = 60_000;

  private final Hub hub;
  private final Subscriber out;
  private final History history;
  private final SubscribePolicy policy;
  private final LimitsConfig limits;
  private final TransportConfig transport;
  private final String clientId;
  /** The {@code ?token=} of the connection, replaced by each {@code refresh}; never logged. */
  private String token;
  private final Map<Channel, Subscription> subscriptions = new LinkedHashMap<>();
  private boolean closed;
  private boolean drainRequested;
  private long catchingUpSince;
  private long lastActivity;
  private long lastHeartbeat;
  private long badFrameWindowStart;
  private int badFrames;
  private double subscribeTokens;
  private long subscribeRefillAt;

  public ClientSession(Hub hub, Subscriber out, History history, SubscribePolicy policy, LimitsConfig limits,
                       TransportConfig transport, String clientId, String connectToken) {
    this.hub = hub;
    this.out = out;
    this.history = history;
    this.policy = policy;
    this.limits = limits;
    this.transport = transport;
    this.clientId = clientId;
    this.token = connectToken;
    long now = hub.now();
    this.lastActivity = now;
    // The first heartbeat comes after a random half to whole interval: clients that connect together (a deploy,
    // a reconnect wave, a benchmark) would otherwise all be pinged in the same sweep, one write per connection in
    // one event-loop turn, every interval, delaying the messages queued behind it.
    this.lastHeartbeat = now - ThreadLocalRandom.current().nextLong(transport.heartbeatMs() / 2 + 1);
    this.subscribeTokens = limits.subscribesPerSecond();
    this.subscribeRefillAt = now;
    hub.opened(this);
  }

  public String clientId() {
    return clientId;
  }

  /** Sends the {@code hello} frame; transports that speak the frame protocol call it once on connect. */
  public void hello() {
    out.send(ServerFrames.hello(clientId, transport.heartbeatMs()));
  }

  /** Notes inbound traffic (frames, pongs): the connection is alive. */
  public void touch() {
    lastActivity = hub.now();
  }

  /** Handles one text frame from the client; {@code bytes} is its size on the wire. */
  public void onFrame(String text, int bytes) {
    touch();
    if (closed) {
      return;
    }
    if (bytes > limits.maxFrameBytes()) {
      hub.metrics().limitHit(Meters.LIMIT_FRAME_BYTES);
      badFrame(ErrorCode.TOO_LARGE, "frame is larger than " + limits.maxFrameBytes() + " bytes");
      return;
    }
    ClientFrame frame = ClientFrameParser.parse(text);
    if (frame instanceof ClientFrame.Subscribe s) {
      subscribe(s.channels(), s.since(), s.token());
    } else if (frame instanceof ClientFrame.Unsubscribe u) {
      unsubscribe(u.channels());
    } else if (frame instanceof ClientFrame.Ping) {
      out.send(ServerFrames.pong());
    } else if (frame instanceof ClientFrame.Refresh r) {
      refresh(r.token());
    } else if (frame instanceof ClientFrame.Invalid i) {
      badFrame(i.code(), i.reason());
    }
  }

  /** Reports a frame the transport could not even read as text (binary, oversize, broken). */
  public void badFrame(ErrorCode code, String reason) {
    if (closed) {
      return;
    }
    out.send(ServerFrames.error(code, reason, null));
    long now = hub.now();
    if (now - badFrameWindowStart > MINUTE_MS) {
      badFrameWindowStart = now;
      badFrames = 0;
    }
    if (++badFrames > limits.badFramesPerMinute()) {
      hub.metrics().limitHit(Meters.LIMIT_BAD_FRAMES);
      disconnect(CloseReason.BAD_FRAMES, 0);
    }
  }

  /** Subscribes to channels; {@code since} maps raw channel names to the last message id the client has. */
  public void subscribe(List<String> names, Map<String, String> since, String frameToken) {
    for (String name : names) {
      if (closed) {
        return;
      }
      subscribeOne(name, since.get(name), frameToken);
    }
  }

  public void unsubscribe(List<String> names) {
    for (String name : names) {
      Optional<Channel> channel = parseChannel(name);
      if (channel.isEmpty()) {
        continue;
      }
      Subscription s = subscriptions.remove(channel.get());
      if (s != null) {
        hub.unsubscribe(s.channel, this);
      }
      out.send(ServerFrames.unsubscribed(channel.get()));
    }
  }

  /** The last message id the client has of each channel, for {@code disconnect} frames and resume tokens. */
  public Map<Channel, MessageId> positions() {
    Map<Channel, MessageId> p = new LinkedHashMap<>();
    subscriptions.forEach((c, s) -> {
      MessageId id = s.position();
      if (id != null) {
        p.put(c, id);
      }
    });
    return p;
  }

  /** How many channels are subscribed, without copying them. */
  public int channelCount() {
    return subscriptions.size();
  }

  /** Subscribed channels, in subscription order. */
  public List<Channel> channels() {
    return new ArrayList<>(subscriptions.keySet());
  }

  /** Sends {@code disconnect} with the positions and closes the connection. */
  public void disconnect(CloseReason reason, long retryAfterMs) {
    if (closed) {
      return;
    }
    out.send(ServerFrames.disconnect(reason, retryAfterMs, positions()));
    out.close(reason);
    closed();
  }

  /** The transport's connection is gone: frees every subscription. Idempotent. */
  public void closed() {
    if (closed) {
      return;
    }
    closed = true;
    for (Subscription s : subscriptions.values()) {
      hub.unsubscribe(s.channel, this);
    }
    subscriptions.clear();
    hub.closed(this);
  }

  /** Unsent bytes of this connection, and the most it ever held. */
  public long bufferedBytes() {
    return out.bufferedBytes();
  }

  public long peakBufferedBytes() {
    return out.peakBufferedBytes();
  }

  public boolean isClosed() {
    return closed;
  }

  /**
   * A live message of subscription {@code s}'s channel, on this session's event loop. True when it was handed to
   * the transport: the hub counts those deliveries, in batches.
   */
  boolean onLive(Subscription s, ChannelMessage m) {
    if (closed) {
      return false;
    }
    if (s.state != Subscription.State.LIVE) {
      s.noteSeen(m.id());
      return false;
    }
    MessageId id = m.id();
    if (s.epoch != null && id.epoch().equals(s.epoch) && id.offset() <= s.last) {
      return false;
    }
    boolean next = s.epoch == null ? id.offset() == 1 : id.epoch().equals(s.epoch) && id.offset() == s.last + 1;
    if (!next) {
      s.noteSeen(id);
      fetch(s);
      return false;
    }
    if (out.offer(m) == Offer.FULL) {
      hub.metrics().dropped();
      s.noteSeen(id);
      startCatchUp(s);
      return false;
    }
    s.epoch = id.epoch();
    s.last = id.offset();
    return true;
  }

  /** Heartbeats, idle and stall checks; called by the hub's shared sweep. */
  void sweep(long now, TransportConfig t) {
    if (closed) {
      return;
    }
    if (now - lastActivity > t.idleTimeoutMs()) {
      disconnect(CloseReason.IDLE_TIMEOUT, 0);
      return;
    }
    if (catchingUpSince > 0 && now - catchingUpSince > t.stallTimeoutMs()) {
      hub.metrics().limitHit(Meters.LIMIT_STALL);
      disconnect(CloseReason.SLOW_CONSUMER, 0);
      return;
    }
    expire(now);
    if (now - lastHeartbeat >= t.heartbeatMs()) {
      lastHeartbeat = now;
      if (out instanceof Heartbeats h) {
        h.heartbeat();
      }
    }
  }

  /** Implemented by subscribers whose transport has its own keep-alive (ping frames, SSE comments). */
  public interface Heartbeats {
    void heartbeat();
  }

  private void subscribeOne(String name, String sinceText, String frameToken) {
    Optional<Channel> parsed = parseChannel(name);
    if (parsed.isEmpty()) {
      return;
    }
    Channel channel = parsed.get();
    Subscription existing = subscriptions.get(channel);
    if (existing != null) {
      // A pending one answers once its check and first read are done; saying "subscribed" now could be wrong.
      if (existing.state != Subscription.State.PENDING) {
        out.send(ServerFrames.subscribed(channel, existing.position(), true));
      }
      return;
    }
    if (!takeSubscribeToken()) {
      hub.metrics().limitHit(Meters.LIMIT_SUBSCRIBE_RATE);
      out.send(ServerFrames.error(ErrorCode.RATE_LIMITED, "too many subscribe requests", channel.toString()));
      return;
    }
    if (subscriptions.size() >= limits.maxChannelsPerConnection()) {
      hub.metrics().limitHit(Meters.LIMIT_CHANNELS);
      out.send(ServerFrames.error(ErrorCode.TOO_MANY_CHANNELS,
          "at most " + limits.maxChannelsPerConnection() + " channels per connection", channel.toString()));
      return;
    }
    // Registered before the policy answers, so a duplicate subscribe, the channel limit and unsubscribe all see it.
    Subscription s = new Subscription(channel);
    subscriptions.put(channel, s);
    policy.check(channel, token, frameToken).onComplete(onLoop(r -> authorized(s, r, sinceText)));
  }

  private void authorized(Subscription s, AsyncResult<SubscribePolicy.Decision> result, String sinceText) {
    if (!isCurrent(s)) {
      return;
    }
    SubscribePolicy.Decision decision = result.succeeded() ? result.result()
        : SubscribePolicy.Decision.deny("could not check access to this channel");
    Channel channel = s.channel;
    if (!decision.allowed()) {
      subscriptions.remove(channel);
      out.send(ServerFrames.error(ErrorCode.FORBIDDEN, decision.reason(), channel.toString()));
      return;
    }
    s.expiresAtMillis = decision.expiresAtMillis();
    Optional<MessageId> since = sinceText == null ? Optional.empty() : MessageId.parse(sinceText);
    boolean unknownSince = sinceText != null && since.isEmpty();
    hub.subscribe(channel, this, s)
        .compose(v -> history.since(channel, since.orElse(null), transport.replayBatch()))
        .onComplete(onLoop(r -> firstReplay(s, r, sinceText != null, unknownSince)));
  }

  private void firstReplay(Subscription s, AsyncResult<Replay> result, boolean sinceGiven, boolean unknownSince) {
    if (!isCurrent(s)) {
      return;
    }
    if (result.failed()) {
      subscriptions.remove(s.channel);
      hub.unsubscribe(s.channel, this);
      out.send(ServerFrames.error(ErrorCode.INTERNAL, "history unavailable, try again", s.channel.toString()));
      return;
    }
    Replay r = result.result();
    boolean recovered = r.recovered() && !unknownSince;
    out.send(ServerFrames.subscribed(s.channel, r.position(), !sinceGiven || recovered));
    if (!sinceGiven || unknownSince || (r.entries().isEmpty() && !recovered)) {
      jumpTo(s, r.position());
      continueAfterReplay(s, false);
      return;
    }
    if (recovered) {
      s.epoch = r.entries().isEmpty() ? r.position().epoch() : r.entries().get(0).id().epoch();
      s.last = r.entries().isEmpty() ? r.position().offset() : r.entries().get(0).id().offset() - 1;
    } else {
      MessageId first = r.entries().get(0).id();
      s.epoch = first.epoch();
      s.last = first.offset() - 1;
    }
    deliverReplay(s, r);
  }

  private void fetch(Subscription s) {
    s.state = Subscription.State.FETCHING;
    hub.metrics().historyRead();
    MessageId since = s.epoch == null ? (s.maxSeenEpoch == null ? null : new MessageId(s.maxSeenEpoch, 0))
        : new MessageId(s.epoch, s.last);
    history.since(s.channel, since, transport.replayBatch()).onComplete(onLoop(r -> {
      if (!isCurrent(s)) {
        return;
      }
      if (r.failed()) {
        hub.metrics().historyReadFailed();
        // Capped, jittered backoff: while history is down, every subscription of every node would otherwise retry
        // in step and hammer it as it recovers.
        long cap = Math.min(FETCH_RETRY_MAX_MS, FETCH_RETRY_MS << Math.min(5, s.fetchFailures++));
        hub.context().owner().setTimer(1 + ThreadLocalRandom.current().nextLong(cap), t -> {
          if (isCurrent(s) && s.state == Subscription.State.FETCHING) {
            fetch(s);
          }
        });
        return;
      }
      s.fetchFailures = 0;
      Replay replay = r.result();
      if (s.maxSeenEpoch != null && replay.position() != null
          && !s.maxSeenEpoch.equals(replay.position().epoch())) {
        // A live message from an epoch the history no longer has (a stale duplicate) must not keep us fetching.
        s.maxSeenEpoch = null;
      }
      if (!replay.recovered()) {
        // Loss is always signalled: the client learns that this channel's history no longer covers its position.
        out.send(ServerFrames.subscribed(s.channel, replay.position(), false));
        if (replay.entries().isEmpty()) {
          jumpTo(s, replay.position());
        } else {
          s.epoch = replay.entries().get(0).id().epoch();
          s.last = replay.entries().get(0).id().offset() - 1;
        }
      }
      deliverReplay(s, replay);
    }));
  }

  private void deliverReplay(Subscription s, Replay r) {
    for (Replay.Entry e : r.entries()) {
      MessageId id = e.id();
      if (id.epoch().equals(s.epoch) && id.offset() <= s.last) {
        continue;
      }
      ChannelMessage m = new ChannelMessage(s.channel, id, MessageFrame.encode(s.channel, id, e.body()), 0);
      if (out.offer(m) == Offer.FULL) {
        s.noteSeen(id);
        startCatchUp(s);
        return;
      }
      hub.metrics().replayed();
      s.epoch = id.epoch();
      s.last = id.offset();
    }
    continueAfterReplay(s, r.more());
  }

  private void continueAfterReplay(Subscription s, boolean more) {
    if (more || s.seenBeyondLast()) {
      fetch(s);
      return;
    }
    s.maxSeenEpoch = null;
    s.state = Subscription.State.LIVE;
  }

  private void jumpTo(Subscription s, MessageId position) {
    s.epoch = position == null ? null : position.epoch();
    s.last = position == null ? 0 : position.offset();
  }

  private void startCatchUp(Subscription s) {
    if (s.state != Subscription.State.CATCHING_UP) {
      hub.metrics().catchUpSwitch();
    }
    s.state = Subscription.State.CATCHING_UP;
    if (catchingUpSince == 0) {
      catchingUpSince = hub.now();
    }
    if (!drainRequested) {
      drainRequested = true;
      out.whenDrained(this::drained);
    }
  }

  private void drained() {
    drainRequested = false;
    catchingUpSince = 0;
    if (closed) {
      return;
    }
    for (Subscription s : new ArrayList<>(subscriptions.values())) {
      if (s.state == Subscription.State.CATCHING_UP) {
        fetch(s);
      }
    }
  }

  /**
   * A new token: it becomes the connection's token for later subscribes, and each subscription granted by an
   * expiring token is checked again; where the new one grants it, the subscription continues until the new expiry.
   * Where it does not, the client gets {@code forbidden} and the subscription runs on until its old expiry.
   */
  private void refresh(String newToken) {
    token = newToken;
    for (Subscription s : new ArrayList<>(subscriptions.values())) {
      if (s.expiresAtMillis == 0) {
        continue;
      }
      policy.check(s.channel, newToken, null).onComplete(onLoop(r -> {
        if (!isCurrent(s)) {
          return;
        }
        if (r.succeeded() && r.result().allowed()) {
          s.expiresAtMillis = r.result().expiresAtMillis();
        } else {
          out.send(ServerFrames.error(ErrorCode.FORBIDDEN,
              r.succeeded() ? r.result().reason() : "could not check the token", s.channel.toString()));
        }
      }));
    }
  }

  /** Stops the subscriptions whose token has expired, telling the client which. */
  private void expire(long now) {
    // Runs for every session at every sweep; almost always nothing has expired, so nothing is allocated then.
    List<Subscription> expired = null;
    for (Subscription s : subscriptions.values()) {
      if (s.expiresAtMillis > 0 && now >= s.expiresAtMillis) {
        if (expired == null) {
          expired = new ArrayList<>(1);
        }
        expired.add(s);
      }
    }
    if (expired == null) {
      return;
    }
    for (Subscription s : expired) {
      subscriptions.remove(s.channel);
      hub.unsubscribe(s.channel, this);
      out.send(ServerFrames.error(ErrorCode.TOKEN_EXPIRED, "token expired: send refresh, then subscribe again",
          s.channel.toString()));
    }
  }

  private boolean takeSubscribeToken() {
    long now = hub.now();
    int rate = limits.subscribesPerSecond();
    subscribeTokens = Math.min(rate, subscribeTokens + (now - subscribeRefillAt) * rate / 1000.0);
    subscribeRefillAt = now;
    if (subscribeTokens < 1) {
      return false;
    }
    subscribeTokens -= 1;
    return true;
  }

  private Optional<Channel> parseChannel(String name) {
    try {
      return Optional.of(Channel.parse(name));
    } catch (IllegalArgumentException e) {
      out.send(ServerFrames.error(ErrorCode.BAD_CHANNEL, e.getMessage(), name.length() > 200 ? null : name));
      return Optional.empty();
    }
  }

  private boolean isCurrent(Subscription s) {
    return !closed && subscriptions.get(s.channel) == s;
  }

  /**
   * Runs a history callback back on this session's event loop, whatever thread completed it: at once when it is
   * that loop's thread (a connection's context on it is not always the hub's), else as a task of the loop.
   */
  private <T> io.vertx.core.Handler<AsyncResult<T>> onLoop(Consumer<AsyncResult<T>> action) {
    return r -> {
      ContextInternal home = (ContextInternal) hub.context();
      if (io.vertx.core.Vertx.currentContext() == home) {
        action.accept(r);
      } else if (home.inThread()) {
        home.dispatch(r, action::accept);
      } else {
        home.runOnContext(v -> action.accept(r));
      }
    };
  }
}
