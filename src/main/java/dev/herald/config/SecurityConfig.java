package dev.herald.config;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Who may publish, who may read private channels, and who may administer the node.
 *
 * @param publishers publisher keys as SHA-256 hashes with the namespaces each may publish to; default none. The
 *                   environment variable {@code HERALD_PUBLISH_KEY} adds one more key (plaintext, hashed here,
 *                   allowed on every namespace). With no key at all, every publish is refused with 401.
 * @param jwt        keys that verify subscriber tokens; default none (private channels then refuse everyone)
 * @param adminKeys  SHA-256 hashes (64 hex digits) of the keys accepted as {@code Authorization: Bearer <key>} by
 *                   the admin API; default none, which leaves the admin API closed unless {@code HERALD_ADMIN_KEY}
 *                   (plaintext, read by name) is set
 */
public record SecurityConfig(List<PublisherConfig> publishers, JwtConfig jwt, List<String> adminKeys) {

  /** The variable holding a plaintext publisher key allowed on every namespace. */
  public static final String PUBLISH_KEY_VARIABLE = "HERALD_PUBLISH_KEY";

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  public SecurityConfig {
    publishers = List.copyOf(publishers);
    adminKeys = List.copyOf(adminKeys);
  }

  static SecurityConfig read(ConfigReader r) {
    return new SecurityConfig(
        PublisherConfig.readAll(r, "publishers", r.named(PUBLISH_KEY_VARIABLE)),
        JwtConfig.read(r.section("jwt")),
        adminKeys(r));
  }

  private static List<String> adminKeys(ConfigReader r) {
    List<String> keys = r.strings("adminKeys", List.of()).stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
    for (String k : keys) {
      if (!SHA256_HEX.matcher(k).matches()) {
        throw r.error("adminKeys", "must hold SHA-256 hashes of keys (64 hex digits), not keys");
      }
    }
    return keys;
  }
}
