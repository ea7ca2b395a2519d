package dev.herald.testing;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Builds subscriber tokens (HS256 JWTs) for tests, signed with {@link TestNodes#JWT_SECRET} unless told otherwise. */
public final class Tokens {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Tokens() {
  }

  /** A token for subscriber {@code sub} valid for {@code seconds} from now. */
  public static String forUser(String sub, long seconds) {
    return sign(new JsonObject().put("sub", sub).put("exp", System.currentTimeMillis() / 1000 + seconds));
  }

  /** Signs {@code claims} with the test secret. */
  public static String sign(JsonObject claims) {
    return sign(claims, TestNodes.JWT_SECRET);
  }

  public static String sign(JsonObject claims, String secret) {
    String head = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String body = B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] sig = mac.doFinal((head + "." + body).getBytes(StandardCharsets.US_ASCII));
      return head + "." + body + "." + B64.encodeToString(sig);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned token ({@code alg:none}) with the given claims: must always be refused. */
  public static String unsigned(JsonObject claims) {
    return B64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8)) + ".";
  }
}
