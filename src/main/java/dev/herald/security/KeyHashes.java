package dev.herald.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Keys are configured as SHA-256 hashes, so a leaked config file does not leak them. A presented key is hashed and
 * compared with every configured hash in constant time, so timing tells nothing about how much of it matched.
 */
public final class KeyHashes {

  private KeyHashes() {
  }

  /** The lower-case hex SHA-256 of the key's UTF-8 bytes. */
  public static String sha256Hex(String key) {
    return HexFormat.of().formatHex(sha256(key.getBytes(StandardCharsets.UTF_8)));
  }

  /** True when {@code presented} (nullable) hashes to one of {@code hashes} (lower-case hex). */
  public static boolean matches(String presented, List<String> hashes) {
    if (presented == null || presented.isEmpty()) {
      return false;
    }
    byte[] digest = sha256(presented.getBytes(StandardCharsets.UTF_8));
    boolean found = false;
    for (String h : hashes) {
      // No early exit: every configured hash is compared.
      found |= MessageDigest.isEqual(digest, HexFormat.of().parseHex(h));
    }
    return found;
  }

  /** The key of an {@code Authorization: Bearer <key>} header; null when absent or of another scheme. */
  public static String bearer(String authorization) {
    if (authorization == null || authorization.length() <= 7
        || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return authorization.substring(7).trim();
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
