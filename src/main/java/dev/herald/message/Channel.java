package dev.herald.message;

import java.util.regex.Pattern;

/**
 * A channel name, {@code <namespace>:<id>}: namespace {@code [a-z][a-z0-9_-]{0,31}},
 * id {@code [A-Za-z0-9_.@-]{1,128}}. Construction validates, so a {@code Channel} in hand is always well formed.
 * Immutable. The name and its hash are computed once: every session looks its subscription up by channel for
 * every delivery, so {@link #hashCode} and {@link #equals} sit on the fan-out path.
 */
public final class Channel {

  private static final Pattern NAMESPACE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.@-]{1,128}");

  private final String namespace;
  private final String id;
  private final String name;
  private final int hash;

  public Channel(String namespace, String id) {
    if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
      throw new IllegalArgumentException("bad channel namespace: must match [a-z][a-z0-9_-]{0,31}");
    }
    if (id == null || !ID.matcher(id).matches()) {
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
