package dev.herald.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One publisher key of {@code security.publishers}: {@code {"sha256":"<64 hex>","namespaces":["thread","forum"]}}.
 * The key itself is never configured, only its SHA-256, so a leaked config file does not leak the key.
 *
 * @param sha256     lower-case hex SHA-256 of the key's UTF-8 bytes; required
 * @param namespaces namespaces the key may publish to, or {@code ["*"]} for all; required, not empty
 */
public record PublisherConfig(String sha256, List<String> namespaces) {

  /** The namespace wildcard: every namespace. */
  public static final String ALL = "*";

  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern NAMESPACE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

  /** A key given in plaintext (the environment variable), allowed on every namespace. */
  public static PublisherConfig ofPlaintext(String key) {
    return new PublisherConfig(sha256Hex(key), List.of(ALL));
  }

  /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code key}. */
  public static String sha256Hex(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  static List<PublisherConfig> readAll(ConfigReader r, String key, String plaintextKey) {
    List<PublisherConfig> out = new ArrayList<>();
    List<JsonObject> entries = r.objects(key);
    for (int i = 0; i < entries.size(); i++) {
      out.add(read(r, key + "[" + i + "]", entries.get(i)));
    }
    if (plaintextKey != null && !plaintextKey.isBlank()) {
      out.add(ofPlaintext(plaintextKey.trim()));
    }
    return List.copyOf(out);
  }

  private static PublisherConfig read(ConfigReader r, String at, JsonObject o) {
    for (String field : o.fieldNames()) {
      if (!field.equals("sha256") && !field.equals("namespaces")) {
        throw r.error(at + "." + field, "is not a known setting");
      }
    }
    if (!(o.getValue("sha256") instanceof String hash) || !HEX.matcher(hash.toLowerCase(Locale.ROOT)).matches()) {
      throw r.error(at + ".sha256", "must be the 64 hex digits of a SHA-256 hash");
    }
    if (!(o.getValue("namespaces") instanceof JsonArray a) || a.isEmpty()) {
      throw r.error(at + ".namespaces", "must be a non-empty list of namespaces, or [\"*\"]");
    }
    List<String> namespaces = new ArrayList<>();
    for (Object n : a) {
      if (!(n instanceof String s) || !(s.equals(ALL) || NAMESPACE.matcher(s).matches())) {
        throw r.error(at + ".namespaces", "must hold namespaces matching [a-z][a-z0-9_-]{0,31} or \"*\"");
      }
      namespaces.add(s);
    }
    return new PublisherConfig(hash.toLowerCase(Locale.ROOT), List.copyOf(namespaces));
  }
}
