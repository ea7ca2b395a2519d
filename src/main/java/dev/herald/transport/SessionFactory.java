package dev.herald.transport;

import dev.herald.config.HttpConfig;
import dev.herald.config.LimitsConfig;
import dev.herald.config.TransportConfig;
import dev.herald.engine.History;
import dev.herald.fanout.ClientSession;
import dev.herald.fanout.Hub;
import dev.herald.fanout.SubscribePolicy;
import dev.herald.fanout.Subscriber;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.metrics.Meters;
import dev.herald.security.Admission;
import dev.herald.security.ClientAddress;
import io.netty.channel.WriteBufferWaterMark;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What every transport of one event loop needs to open a session: the loop's hub, the history, the policy and
 * limits. One per event loop. Limits, allowed origins and trusted proxies are read per use from suppliers (config
 * reload); a session keeps the limits it was opened with.
 */
public final class SessionFactory {

  private static final AtomicLong IDS = new AtomicLong();

  private final Hub hub;
  private final History history;
  private final SubscribePolicy policy;
  private final Supplier<HttpConfig> http;
  private final Supplier<LimitsConfig> limits;
  private final TransportConfig transport;
  private final String nodeId;
  private final Admission admission;
  /** Immutable, so shared by every connection whose channel is taken: the bound of unsent bytes. */
  private final WriteBufferWaterMark unsentBound;

  public SessionFactory(Hub hub, History history, SubscribePolicy policy, HttpConfig http, LimitsConfig limits,
                        TransportConfig transport, String nodeId, Admission admission) {
    this(hub, history, policy, () -> http, () -> limits, transport, nodeId, admission);
  }

  /** With the current HTTP settings and limits read from {@code http} and {@code limits} at each use. */
  public SessionFactory(Hub hub, History history, SubscribePolicy policy, Supplier<HttpConfig> http,
                        Supplier<LimitsConfig> limits, TransportConfig transport, String nodeId, Admission admission) {
    this.hub = hub;
    this.history = history;
    this.policy = policy;
    this.http = http;
    this.limits = limits;
    this.transport = transport;
    this.nodeId = nodeId;
    this.admission = admission;
    int high = transport.maxBufferedBytes(); // at least 1024 (TransportConfig)
    this.unsentBound = new WriteBufferWaterMark(high / 2, high);
  }

  /**
   * Admission of a new client connection (per-address and per-node limits). A {@link Admission.Ticket} must be
   * released when the connection closes; HTTP transports answer a refusal with {@link #refuse}, WebSocket ones
   * accept the upgrade and send {@code disconnect} (browsers cannot read a refused handshake's status).
   */
  public Admission.Result admit(HttpServerRequest req) {
    return admit(req.remoteAddress(), req.getHeader("X-Forwarded-For"));
  }

  /**
   * Admission of a connection known by its peer and {@code X-Forwarded-For} header only (a SockJS socket, whose
   * session outlives the request that opened it); same rules as {@link #admit(HttpServerRequest)}.
   */
  public Admission.Result admit(SocketAddress peer, String forwardedFor) {
    String address = peer == null ? null : peer.hostAddress();
    Admission.Result result = admission.admit(ClientAddress.of(address, forwardedFor, http.get().trustedProxies()));
    if (result instanceof Admission.Overloaded) {
      metrics().limitHit(Meters.LIMIT_NEW_CONNECTIONS);
    } else if (result instanceof Admission.TooManyFromAddress) {
      metrics().limitHit(Meters.LIMIT_CONNECTIONS_PER_IP);
    }
    return result;
  }

  /**
   * Answers a refused HTTP connection: {@code 503} with {@code Retry-After} (whole seconds, rounded up) when the
   * node is over its budget, {@code 429} when the address holds too many connections.
   */
  public static void refuse(HttpServerResponse response, Admission.Result refusal) {
    if (refusal instanceof Admission.Overloaded o) {
      response.setStatusCode(503).putHeader("Retry-After", Long.toString((o.retryAfterMs() + 999) / 1000))
          .putHeader("Content-Type", "application/json")
          .end("{\"error\":\"too many new connections, retry later\",\"retryAfterMs\":" + o.retryAfterMs() + "}");
    } else if (refusal instanceof Admission.TooManyFromAddress t) {
      response.setStatusCode(429).putHeader("Content-Type", "application/json")
          .end("{\"error\":\"at most " + t.limit() + " connections per client address\"}");
    }
  }

  /** A new session for a connection; {@code connectToken} is the {@code ?token=} value or null. */
  public ClientSession open(Subscriber subscriber, String connectToken) {
    String clientId = nodeId + "-" + Long.toString(IDS.incrementAndGet(), 36);
    return new ClientSession(hub, subscriber, history, policy, limits.get(), transport, clientId, connectToken);
  }

  public boolean originAllowed(String origin) {
    return http.get().originAllowed(origin);
  }

  public HeraldMetrics metrics() {
    return hub.metrics();
  }

  public Hub hub() {
    return hub;
  }

  public History history() {
    return history;
  }

  public TransportConfig transport() {
    return transport;
  }

  public int maxFrameBytes() {
    return limits.get().maxFrameBytes();
  }

  public long maxBufferedBytes() {
    return transport.maxBufferedBytes();
  }

  /**
   * {@code transport.maxBufferedBytes} as a channel's write-buffer water marks ({@link ChannelConnection#open}):
   * over the high mark a connection refuses messages, below the low mark (half) it resumes.
   */
  public WriteBufferWaterMark unsentBound() {
    return unsentBound;
  }

  /**
   * The origin check of the plain HTTP transports: answers {@code 403} and returns false for an origin not in
   * {@code http.allowedOrigins}, else adds the CORS headers a browser needs to read the answer.
   */
  public boolean admitOrigin(HttpServerRequest req, HttpServerResponse resp) {
    String origin = req.getHeader("Origin");
    if (!originAllowed(origin)) {
      resp.setStatusCode(403).putHeader("Content-Type", "application/json").end("{\"error\":\"origin not allowed\"}");
      return false;
    }
    if (origin != null) {
      resp.putHeader("Access-Control-Allow-Origin", origin).putHeader("Access-Control-Allow-Credentials", "true")
          .putHeader("Vary", "Origin");
    }
    return true;
  }

  /**
   * The channels of a resumable HTTP request: the {@code channels} parameter, else those of the resume token; when
   * there are none, answers {@code 400} and returns an empty list.
   */
  public static List<String> channelsOrAnswer400(HttpServerRequest req, HttpServerResponse resp,
                                                 Map<String, String> since) {
    List<String> channels = channelsParam(req.getParam("channels"));
    if (channels.isEmpty()) {
      channels = List.copyOf(since.keySet());
    }
    if (channels.isEmpty()) {
      resp.setStatusCode(400).putHeader("Content-Type", "application/json").end("{\"error\":\"channels required\"}");
    }
    return channels;
  }

  /** Splits a {@code channels=a:1,b:2} query parameter; empty when absent. */
  public static List<String> channelsParam(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
