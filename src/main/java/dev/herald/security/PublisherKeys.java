package dev.herald.security;

import dev.herald.config.PublisherConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Checks {@code Authorization: Bearer <key>} of the producer API against the configured key hashes. The presented
 * key is hashed and compared with every configured hash in constant time ({@link MessageDigest#isEqual}), without
 * stopping at the first match, so timing reveals neither the key nor which entry matched. With no key configured
 * every request is refused. Immutable and thread-safe.
 */
public final class PublisherKeys {

  private static final String BEARER = "bearer ";

  private final List<Entry> entries;

  private record Entry(byte[] hash, Set<String> namespaces) {
  }

  public PublisherKeys(List<PublisherConfig> publishers) {
    this.entries = publishers.stream()
        .map(p -> new Entry(HexFormat.of().parseHex(p.sha256()), Set.copyOf(p.namespaces()))).toList();
  }

  /** True when at least one key is configured; without one, publishing is disabled. */
  public boolean configured() {
    return !entries.isEmpty();
  }

  /** The outcome of a check; {@code error} is safe to send to the client (it never echoes the key). */
  public sealed interface Verdict {
    /** A known key and the namespaces it may publish to ({@code *}: all). */
    record Granted(Set<String> namespaces) implements Verdict {
      /** The first of {@code wanted} this key may not publish to, or null when all are allowed. */
      public String firstDenied(Collection<String> wanted) {
        for (String ns : wanted) {
          if (!namespaces.contains(PublisherConfig.ALL) && !namespaces.contains(ns)) {
            return ns;
          }
        }
        return null;
      }
    }

    /** No key, a malformed header, or an unknown key: 401. */
    record Unauthorized(String error) implements Verdict {
    }
  }

  /** Checks an {@code Authorization} header value (may be null). */
  public Verdict check(String authorization) {
    if (entries.isEmpty()) {
      return new Verdict.Unauthorized("publishing is disabled: no publisher key is configured");
    }
    if (authorization == null || authorization.length() <= BEARER.length()
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return new Verdict.Unauthorized("missing Authorization: Bearer <publisher key>");
    }
    byte[] presented = sha256(authorization.substring(BEARER.length()).trim());
    Entry match = null;
    for (Entry e : entries) {
      // No early exit: every entry is compared whatever matched before.
      if (MessageDigest.isEqual(e.hash, presented) && match == null) {
        match = e;
      }
    }
    if (match == null) {
      return new Verdict.Unauthorized("unknown publisher key");
    }
    return new Verdict.Granted(match.namespaces);
  }

  private static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
