package dev.herald.config;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Keys that verify subscriber tokens (JWT), section {@code security.jwt}. Several keys of each kind may be given
 * for rotation; a token verified by any of them is valid.
 *
 * @param hs256Secrets  shared secrets for HS256 tokens; default none. From the environment
 *                      ({@code HERALD_SECURITY_JWT_HS256_SECRETS}) comma-separated.
 * @param publicKeys    PEM public keys: {@code [{"algorithm":"RS256"|"ES256","pem":"-----BEGIN PUBLIC KEY-----…"}]};
 *                      default none
 * @param leewaySeconds clock skew allowed when checking {@code exp}, seconds; default {@value #DEFAULT_LEEWAY_SECONDS};
 *                      0 = none
 */
public record JwtConfig(List<String> hs256Secrets, List<PublicKey> publicKeys, int leewaySeconds) {

  public static final int DEFAULT_LEEWAY_SECONDS = 0;
  private static final Set<String> ALGORITHMS = Set.of("RS256", "ES256");

  /** A PEM public key and the algorithm it verifies. */
  public record PublicKey(String algorithm, String pem) {
  }

  /** True when at least one key is configured. */
  public boolean configured() {
    return !hs256Secrets.isEmpty() || !publicKeys.isEmpty();
  }

  /** Secrets stay out of logs and error messages. */
  @Override
  public String toString() {
    return "JwtConfig[" + hs256Secrets.size() + " HS256 secrets, " + publicKeys.size() + " public keys]";
  }

  static JwtConfig read(ConfigReader r) {
    List<String> secrets = r.strings("hs256Secrets", List.of());
    for (String s : secrets) {
      if (s.length() < 32) {
        throw r.error("hs256Secrets", "entries must be at least 32 characters");
      }
    }
    List<PublicKey> keys = new ArrayList<>();
    List<JsonObject> raw = r.objects("publicKeys");
    for (int i = 0; i < raw.size(); i++) {
      JsonObject o = raw.get(i);
      String at = "publicKeys[" + i + "]";
      if (!(o.getValue("algorithm") instanceof String alg) || !ALGORITHMS.contains(alg)) {
        throw r.error(at + ".algorithm", "must be RS256 or ES256");
      }
      if (!(o.getValue("pem") instanceof String pem) || !pem.contains("BEGIN PUBLIC KEY")) {
        throw r.error(at + ".pem", "must be a PEM public key (-----BEGIN PUBLIC KEY-----)");
      }
      if (o.size() != 2) {
        throw r.error(at, "takes only algorithm and pem");
      }
      keys.add(new PublicKey(alg, pem));
    }
    // The effective config may be shown to operators: it keeps the shape (one entry per secret), never a value.
    r.effective().put("hs256Secrets", new io.vertx.core.json.JsonArray(
        secrets.stream().map(x -> (Object) "<redacted>").toList()));
    return new JwtConfig(secrets, List.copyOf(keys), r.integer("leewaySeconds", DEFAULT_LEEWAY_SECONDS, 0, 3600));
  }
}
