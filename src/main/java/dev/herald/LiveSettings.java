package dev.herald;

import dev.herald.config.HeraldConfig;
import dev.herald.config.HttpConfig;
import dev.herald.config.LimitsConfig;
import dev.herald.fanout.SubscribePolicy;
import dev.herald.security.Admission;
import dev.herald.security.PublisherKeys;
import dev.herald.security.TokenPolicy;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;

/**
 * The settings a config reload changes while the node runs, as one immutable {@link Snapshot} behind a volatile
 * field: readers take it per use (a new connection, a request, a subscribe) and never see half of a reload.
 * Connections already open keep the limits they were opened with; new ones get the new limits. Thread-safe; one
 * per node.
 */
final class LiveSettings {

  /**
   * What applies live.
   *
   * @param http           the start-up listener with the current {@code http.allowedOrigins} and
   *                       {@code http.trustedProxies} (host, port and instances never change live)
   * @param limits         {@code limits.*} for new connections
   * @param publisherKeys  {@code security.publishers} and {@code HERALD_PUBLISH_KEY}
   * @param adminKeyHashes {@code security.adminKeys} and the hash of {@code HERALD_ADMIN_KEY}
   * @param policy         built from {@code namespaces} and {@code security.jwt}
   */
  record Snapshot(HttpConfig http, LimitsConfig limits, PublisherKeys publisherKeys, List<String> adminKeyHashes,
                  SubscribePolicy policy) {
  }

  private final Vertx vertx;
  private final HttpConfig startHttp;
  private final Admission admission;
  private volatile Snapshot current;

  /** Settings of {@code config}; {@code adminKey} is the plaintext {@code HERALD_ADMIN_KEY} or null. */
  LiveSettings(Vertx vertx, HeraldConfig config, String adminKey) {
    this.vertx = vertx;
    this.startHttp = config.http();
    this.admission = new Admission(config.limits());
    this.current = snapshot(config, adminKey);
  }

  Snapshot current() {
    return current;
  }

  /** Shared by every event loop; its limits follow {@link #apply}. */
  Admission admission() {
    return admission;
  }

  /** A policy that asks the current snapshot's policy, so a reload applies to the next subscribe. */
  SubscribePolicy policy() {
    return (channel, connectToken, frameToken) -> current.policy().check(channel, connectToken, frameToken);
  }

  /** Applies the live settings of a validated config; its other settings are ignored (they need a restart). */
  void apply(HeraldConfig config, Map<String, String> env) {
    Snapshot next = snapshot(config, env.get(HeraldNode.ADMIN_KEY_VARIABLE));
    admission.update(next.limits());
    current = next;
  }

  private Snapshot snapshot(HeraldConfig config, String adminKey) {
    HttpConfig http = new HttpConfig(startHttp.host(), startHttp.port(), config.http().allowedOrigins(),
        config.http().trustedProxies(), startHttp.instances(), startHttp.tls());
    return new Snapshot(http, config.limits(), new PublisherKeys(config.security().publishers()),
        HeraldNode.adminKeyHashes(config, adminKey),
        TokenPolicy.create(vertx, config.namespaces(), config.security().jwt()));
  }
}
