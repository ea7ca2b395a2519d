package dev.herald.security;

import dev.herald.config.JwtConfig;
import dev.herald.config.NamespacesConfig;
import dev.herald.fanout.SubscribePolicy;
import dev.herald.message.Channel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.LongSupplier;

/**
 * Namespace and token rules for subscribers. A public namespace is open to all. A private one needs a JWT
 * (HS256, RS256 or ES256 with a configured key; expiry checked) whose {@code sub} is the channel's id in the
 * {@code user} namespace ({@code sub:"42"} grants {@code user:42}) or whose {@code channels} claim (a list of
 * channel names) lists the channel. The token of the subscribe frame wins over the connection's. Refusal reasons
 * never quote the token. Thread-safe: one instance serves every event loop.
 *
 * <p>A subscribe frame often names many channels with one token, so each thread remembers the last token it
 * verified and its claims (compared in constant time); {@code exp} is then checked against the clock on every use.
 */
public final class TokenPolicy implements SubscribePolicy {

  /** The namespace whose channel ids are subscriber ids ({@code sub}). */
  public static final String USER_NAMESPACE = "user";

  private final NamespacesConfig namespaces;
  private final JWTAuth auth;
  private final long leewayMillis;
  private final LongSupplier clock;
  /** The last token verified on this thread; event loops never share an entry. */
  private final ThreadLocal<Verified> last = new ThreadLocal<>();

  private record Verified(byte[] token, Future<JsonObject> claims) {
  }

  private TokenPolicy(NamespacesConfig namespaces, JWTAuth auth, long leewayMillis, LongSupplier clock) {
    this.namespaces = namespaces;
    this.auth = auth;
    this.leewayMillis = leewayMillis;
    this.clock = clock;
  }

  /** A policy verifying tokens with the keys of {@code jwt}; without keys every private channel is refused. */
  public static TokenPolicy create(Vertx vertx, NamespacesConfig namespaces, JwtConfig jwt) {
    return create(vertx, namespaces, jwt, System::currentTimeMillis);
  }

  /** As {@link #create(Vertx, NamespacesConfig, JwtConfig)}, with the clock (epoch ms) that checks expiry. */
  public static TokenPolicy create(Vertx vertx, NamespacesConfig namespaces, JwtConfig jwt, LongSupplier clock) {
    long leeway = jwt.leewaySeconds() * 1000L;
    if (!jwt.configured()) {
      return new TokenPolicy(namespaces, null, leeway, clock);
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions().setLeeway(jwt.leewaySeconds()));
    for (String secret : jwt.hs256Secrets()) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret));
    }
    for (JwtConfig.PublicKey key : jwt.publicKeys()) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(key.algorithm()).setBuffer(key.pem()));
    }
    return new TokenPolicy(namespaces, JWTAuth.create(vertx, options), leeway, clock);
  }

  @Override
  public Future<Decision> check(Channel channel, String connectToken, String frameToken) {
    if (!namespaces.isPrivate(channel.namespace())) {
      return Future.succeededFuture(Decision.ALLOW);
    }
    String token = frameToken != null ? frameToken : connectToken;
    if (token == null || token.isEmpty()) {
      return Future.succeededFuture(Decision.deny("channel is private: a token is required"));
    }
    if (auth == null) {
      return Future.succeededFuture(Decision.deny("channel is private and this node accepts no tokens"));
    }
    // The provider's failure message is dropped: it may describe the token.
    return verify(token).map(claims -> decide(channel, claims))
        .otherwise(e -> Decision.deny("token is invalid or expired"));
  }

  private Future<JsonObject> verify(String token) {
    byte[] bytes = token.getBytes(StandardCharsets.UTF_8);
    Verified v = last.get();
    if (v != null && MessageDigest.isEqual(v.token, bytes)) {
      return v.claims;
    }
    Future<JsonObject> claims;
    try {
      claims = auth.authenticate(new TokenCredentials(token)).map(TokenPolicy::claims);
    } catch (RuntimeException e) {
      claims = Future.failedFuture(e);
    }
    last.set(new Verified(bytes, claims));
    return claims;
  }

  /** The token's claims; the provider keeps some (exp) in the user's attributes rather than its principal. */
  private static JsonObject claims(User user) {
    JsonObject claims = user.principal().copy();
    JsonObject attributes = user.attributes();
    if (attributes.getValue("accessToken") instanceof JsonObject decoded) {
      decoded.forEach(e -> claims.getMap().putIfAbsent(e.getKey(), e.getValue()));
    }
    if (!claims.containsKey("exp") && attributes.getValue("exp") != null) {
      claims.put("exp", attributes.getValue("exp"));
    }
    return claims;
  }

  private Decision decide(Channel channel, JsonObject claims) {
    Object exp = claims.getValue("exp");
    long expiresAt = exp instanceof Number n ? n.longValue() * 1000 : 0;
    if (expiresAt > 0 && clock.getAsLong() >= expiresAt + leewayMillis) {
      return Decision.deny("token is invalid or expired");
    }
    if (!granted(channel, claims)) {
      return Decision.deny("token does not grant this channel");
    }
    return Decision.allowUntil(expiresAt);
  }

  private static boolean granted(Channel channel, JsonObject claims) {
    if (USER_NAMESPACE.equals(channel.namespace()) && claims.getValue("sub") instanceof String sub
        && sub.equals(channel.id())) {
      return true;
    }
    return claims.getValue("channels") instanceof JsonArray channels && channels.contains(channel.toString());
  }
}
