package dev.herald.config;

import java.util.List;

/**
 * Who may publish and who may read private channels.
 *
 * @param publishers publisher keys as SHA-256 hashes with the namespaces each may publish to; default none. The
 *                   environment variable {@code HERALD_PUBLISH_KEY} adds one more key (plaintext, hashed here,
 *                   allowed on every namespace). With no key at all, every publish is refused with 401.
 * @param jwt        keys that verify subscriber tokens; default none (private channels then refuse everyone)
 */
public record SecurityConfig(List<PublisherConfig> publishers, JwtConfig jwt) {

  /** The variable holding a plaintext publisher key allowed on every namespace. */
  public static final String PUBLISH_KEY_VARIABLE = "HERALD_PUBLISH_KEY";

  static SecurityConfig read(ConfigReader r) {
    return new SecurityConfig(
        PublisherConfig.readAll(r, "publishers", r.named(PUBLISH_KEY_VARIABLE)),
        JwtConfig.read(r.section("jwt")));
  }
}
