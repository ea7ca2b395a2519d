package dev.herald.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.JwtConfig;
import dev.herald.config.NamespacesConfig;
import dev.herald.fanout.SubscribePolicy.Decision;
import dev.herald.message.Channel;
import dev.herald.testing.Await;
import dev.herald.testing.TestNodes;
import dev.herald.testing.Tokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenPolicyTest {

  private final Vertx vertx = Vertx.vertx();
  private final TokenPolicy policy = TokenPolicy.create(vertx, new NamespacesConfig(Set.of("user", "team")),
      new JwtConfig(List.of(TestNodes.JWT_SECRET), List.of(), 0));

  @AfterEach
  void close() {
    Await.of(vertx.close(), 10);
  }

  private Decision check(String channel, String connectToken, String frameToken) {
    return Await.of(policy.check(Channel.parse(channel), connectToken, frameToken), 10);
  }

  @Test
  void publicNamespaceNeedsNoToken() {
    assertThat(check("thread:1", null, null).allowed()).isTrue();
    assertThat(check("thread:1", null, "garbage").allowed()).isTrue();
  }

  @Test
  void subGrantsOnlyItsOwnUserChannelUntilExpiry() {
    long exp = System.currentTimeMillis() / 1000 + 60;
    String token = Tokens.sign(new JsonObject().put("sub", "42").put("exp", exp));
    Decision d = check("user:42", token, null);
    assertThat(d.allowed()).isTrue();
    assertThat(d.expiresAtMillis()).isEqualTo(exp * 1000);
    assertThat(check("user:43", token, null).allowed()).isFalse();
    assertThat(check("team:42", token, null).allowed()).isFalse();
  }

  @Test
  void channelsClaimGrantsListedChannels() {
    String token = Tokens.sign(new JsonObject().put("sub", "1").put("channels", new JsonArray().add("team:red")));
    Decision d = check("team:red", null, token);
    assertThat(d.allowed()).isTrue();
    assertThat(d.expiresAtMillis()).isZero();
    assertThat(check("team:blue", null, token).allowed()).isFalse();
  }

  @Test
  void frameTokenWinsOverConnectToken() {
    String good = Tokens.forUser("5", 60);
    assertThat(check("user:5", good, Tokens.forUser("6", 60)).allowed()).isFalse();
    assertThat(check("user:5", Tokens.forUser("6", 60), good).allowed()).isTrue();
  }

  @Test
  void missingExpiredForgedAndUnsignedTokensAreRefusedWithoutQuotingThem() {
    String expired = Tokens.sign(new JsonObject().put("sub", "5").put("exp", System.currentTimeMillis() / 1000 - 10));
    String wrongKey = Tokens.sign(new JsonObject().put("sub", "5"), "another-secret-0123456789abcdef0123456789");
    String unsigned = Tokens.unsigned(new JsonObject().put("sub", "5"));
    for (String token : new String[] {null, "", "not-a-jwt", "a.b.c", expired, wrongKey, unsigned}) {
      Decision d = check("user:5", token, null);
      assertThat(d.allowed()).as(String.valueOf(token)).isFalse();
      if (token != null && !token.isEmpty()) {
        assertThat(d.reason()).doesNotContain(token);
      }
    }
  }

  @Test
  void rememberedTokenIsRefusedOnceItHasExpired() {
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis());
    TokenPolicy timed = TokenPolicy.create(vertx, new NamespacesConfig(Set.of("user")),
        new JwtConfig(List.of(TestNodes.JWT_SECRET), List.of(), 0), now::get);
    String token = Tokens.forUser("5", 30);
    assertThat(Await.of(timed.check(Channel.parse("user:5"), token, null), 10).allowed()).isTrue();
    now.addAndGet(31_000);
    Decision later = Await.of(timed.check(Channel.parse("user:5"), token, null), 10);
    assertThat(later.allowed()).isFalse();
    assertThat(later.reason()).contains("expired");
  }

  @Test
  void withoutKeysPrivateChannelsAreRefused() {
    TokenPolicy none = TokenPolicy.create(vertx, new NamespacesConfig(Set.of("user")),
        new JwtConfig(List.of(), List.of(), 0));
    assertThat(Await.of(none.check(Channel.parse("user:5"), Tokens.forUser("5", 60), null), 10).allowed()).isFalse();
    assertThat(Await.of(none.check(Channel.parse("forum:5"), null, null), 10).allowed()).isTrue();
  }

  @Test
  void es256TokenVerifiesWithItsPemPublicKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    String pem = "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(kp.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
    TokenPolicy es = TokenPolicy.create(vertx, new NamespacesConfig(Set.of("user")),
        new JwtConfig(List.of(), List.of(new JwtConfig.PublicKey("ES256", pem)), 0));
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String head = b64.encodeToString("{\"alg\":\"ES256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String body = b64.encodeToString(new JsonObject().put("sub", "9").encode().getBytes(StandardCharsets.UTF_8));
    Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
    s.initSign(kp.getPrivate());
    s.update((head + "." + body).getBytes(StandardCharsets.US_ASCII));
    String token = head + "." + body + "." + b64.encodeToString(s.sign());
    assertThat(Await.of(es.check(Channel.parse("user:9"), token, null), 10).allowed()).isTrue();
    assertThat(Await.of(es.check(Channel.parse("user:9"), Tokens.forUser("9", 60), null), 10).allowed()).isFalse();
  }
}
