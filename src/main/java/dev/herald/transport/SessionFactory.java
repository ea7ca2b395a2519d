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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every transport of one event loop needs to open a session: the loop's hub, the history, the policy and
 * limits. One per event loop.
 */
public final class SessionFactory {

  private static final AtomicLong IDS = new AtomicLong();

  private final Hub hub;
  private final History history;
  private final SubscribePolicy policy;
  private final HttpConfig http;
  private final LimitsConfig limits;
  private final TransportConfig transport;
  private final String nodeId;

  public SessionFactory(Hub hub, History history, SubscribePolicy policy, HttpConfig http, LimitsConfig limits,
                        TransportConfig transport, String nodeId) {
    this.hub = hub;
    this.history = history;
    this.policy = policy;
    this.http = http;
    this.limits = limits;
    this.transport = transport;
    this.nodeId = nodeId;
  }

  /** A new session for a connection; {@code connectToken} is the {@code ?token=} value or null. */
  public ClientSession open(Subscriber subscriber, String connectToken) {
    String clientId = nodeId + "-" + Long.toString(IDS.incrementAndGet(), 36);
    return new ClientSession(hub, subscriber, history, policy, limits, transport, clientId, connectToken);
  }

  public boolean originAllowed(String origin) {
    return http.originAllowed(origin);
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
    return limits.maxFrameBytes();
  }

  public long maxBufferedBytes() {
    return transport.maxBufferedBytes();
  }

  /** Splits a {@code channels=a:1,b:2} query parameter; empty when absent. */
  public static List<String> channelsParam(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
