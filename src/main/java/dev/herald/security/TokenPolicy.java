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

/**
 * Namespace and token rules for subscribers. A public namespace is open to all. A private one needs a JWT
 * (HS256, RS256 or ES256 with a configured key; expiry checked) whose {@code sub} is the channel's id in the
 * {@code user} namespace ({@code sub:"42"} grants {@code user:42}) or whose {@code channels} claim (a list of
 * channel names) lists the channel. The token of the subscribe frame wins over the connection's. Refusal reasons
 * never quote the token. Thread-safe: one instance serves every event loop.
 */
public final class TokenPolicy implements SubscribePolicy {

  /** The namespace whose channel ids are subscriber ids ({@code sub}). */
  public static final String USER_NAMESPACE = "user";

  private final NamespacesConfig namespaces;
  private final JWTAuth auth;

  private TokenPolicy(NamespacesConfig namespaces, JWTAuth auth) {
    this.namespaces = namespaces;
    this.auth = auth;
  }

  /** A policy verifying tokens with the keys of {@code jwt}; without keys every private channel is refused. */
  public static TokenPolicy create(Vertx vertx, NamespacesConfig namespaces, JwtConfig jwt) {
    if (!jwt.configured()) {
      return new TokenPolicy(namespaces, null);
    }
    JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions().setLeeway(jwt.leewaySeconds()));
    for (String secret : jwt.hs256Secrets()) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret));
    }
    for (JwtConfig.PublicKey key : jwt.publicKeys()) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(key.algorithm()).setBuffer(key.pem()));
    }
    return new TokenPolicy(namespaces, JWTAuth.create(vertx, options));
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
    Future<User> verified;
    try {
      verified = auth.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      verified = Future.failedFuture(e);
    }
    // The provider's failure message is dropped: it may describe the token.
    return verified.map(user -> decide(channel, claims(user)))
        .otherwise(e -> Decision.deny("token is invalid or expired"));
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

  private static Decision decide(Channel channel, JsonObject claims) {
    if (!granted(channel, claims)) {
      return Decision.deny("token does not grant this channel");
    }
    Object exp = claims.getValue("exp");
    return Decision.allowUntil(exp instanceof Number n ? n.longValue() * 1000 : 0);
  }

  private static boolean granted(Channel channel, JsonObject claims) {
    if (USER_NAMESPACE.equals(channel.namespace()) && claims.getValue("sub") instanceof String sub
        && sub.equals(channel.id())) {
      return true;
    }
    return claims.getValue("channels") instanceof JsonArray channels && channels.contains(channel.toString());
  }
}
