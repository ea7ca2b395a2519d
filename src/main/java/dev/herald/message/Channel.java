package dev.herald.message;

/**
 * A channel name, {@code <namespace>:<id>}: namespace {@code [a-z][a-z0-9_-]{0,31}},
 * id {@code [A-Za-z0-9_.@-]{1,128}}. Construction validates, so a {@code Channel} in hand is always well formed.
 * Immutable. The name and its hash are computed once: hubs, the channel router and sessions key their maps by
 * channel.
 */
public final class Channel {

  private final String namespace;
  private final String id;
  private final String name;
  private final int hash;

  public Channel(String namespace, String id) {
    if (!isNamespace(namespace)) {
      throw new IllegalArgumentException("bad channel namespace: must match [a-z][a-z0-9_-]{0,31}");
    }
    if (!isId(id)) {
      throw new IllegalArgumentException("bad channel id: must match [A-Za-z0-9_.@-]{1,128}");
    }
    this.namespace = namespace;
    this.id = id;
    this.name = namespace + ":" + id;
    this.hash = name.hashCode();
  }

  /** Parses {@code namespace:id}; throws {@link IllegalArgumentException} saying what is wrong. */
  public static Channel parse(String name) {
    if (name == null) {
      throw new IllegalArgumentException("channel name missing");
    }
    int colon = name.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("channel name must be <namespace>:<id>");
    }
    return new Channel(name.substring(0, colon), name.substring(colon + 1));
  }

  /**
   * True for {@code [a-z][a-z0-9_-]{0,31}}. A loop, not a regex: four channels are built for every post and one
   * per subscribe, and the regex matcher was a visible share of the ingest profile.
   */
  public static boolean isNamespace(String s) {
    if (s == null || s.isEmpty() || s.length() > 32 || s.charAt(0) < 'a' || s.charAt(0) > 'z') {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** True for {@code [A-Za-z0-9_.@-]{1,128}}. */
  public static boolean isId(String s) {
    if (s == null || s.isEmpty() || s.length() > 128) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.'
          || c == '@' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** True when {@code name} parses. */
  public static boolean isValid(String name) {
    try {
      parse(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public String namespace() {
    return namespace;
  }

  public String id() {
    return id;
  }

  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof Channel c && c.hash == hash && c.name.equals(name);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return name;
  }
}
