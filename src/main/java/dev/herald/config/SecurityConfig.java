package dev.herald.config;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Keys. The plaintext admin key may also come from the environment variable {@code HERALD_ADMIN_KEY}, which is
 * added to {@code adminKeys} (it is read by name, not as a setting).
 *
 * @param adminKeys SHA-256 hashes (64 hex digits) of the keys accepted as {@code Authorization: Bearer <key>} by
 *                  the admin API; default none, which leaves the admin API closed unless {@code HERALD_ADMIN_KEY}
 *                  is set
 */
public record SecurityConfig(List<String> adminKeys) {

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  public SecurityConfig {
    adminKeys = List.copyOf(adminKeys);
  }

  static SecurityConfig read(ConfigReader r) {
    List<String> keys = r.strings("adminKeys", List.of()).stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
    for (String k : keys) {
      if (!SHA256_HEX.matcher(k).matches()) {
        throw r.error("adminKeys", "must hold SHA-256 hashes of keys (64 hex digits), not keys");
      }
    }
    return new SecurityConfig(keys);
  }
}
