package dev.herald.security;

import java.util.List;

/**
 * The client's IP address: the peer's, unless the peer is a trusted proxy ({@code http.trustedProxies}); then the
 * right-most {@code X-Forwarded-For} entry that is not itself a trusted proxy (entries further left were written
 * by the client and prove nothing).
 */
public final class ClientAddress {

  private ClientAddress() {
  }

  /**
   * @param peer          the TCP peer's address (may be null for exotic sockets)
   * @param forwardedFor  the {@code X-Forwarded-For} header, or null
   * @param trustedProxies addresses whose header is believed
   */
  public static String of(String peer, String forwardedFor, List<String> trustedProxies) {
    String p = peer == null ? "unknown" : peer;
    if (forwardedFor == null || !trustedProxies.contains(p)) {
      return p;
    }
    String[] hops = forwardedFor.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!hop.isEmpty() && !trustedProxies.contains(hop)) {
        return hop;
      }
    }
    return p;
  }
}
