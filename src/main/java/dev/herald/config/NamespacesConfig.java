package dev.herald.config;

import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which namespaces are private, key {@code namespaces}: {@code {"user":"private","thread":"public",…}}. A private
 * namespace needs a subscriber token; a public one anyone may read. Default: {@code user} private, every other
 * namespace public unless listed.
 *
 * @param privateNamespaces the namespaces that need a token
 */
public record NamespacesConfig(Set<String> privateNamespaces) {

  public static final String PUBLIC = "public";
  public static final String PRIVATE = "private";
  /** Private unless configured otherwise. */
  public static final Set<String> DEFAULT_PRIVATE = Set.of("user");

  private static final Pattern NAMESPACE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

  public NamespacesConfig {
    privateNamespaces = Set.copyOf(privateNamespaces);
  }

  public boolean isPrivate(String namespace) {
    return privateNamespaces.contains(namespace);
  }

  static NamespacesConfig read(ConfigReader r, String key) {
    JsonObject o = r.object(key, new JsonObject().put("user", PRIVATE));
    Set<String> priv = new HashSet<>(DEFAULT_PRIVATE);
    for (String ns : o.fieldNames()) {
      if (!NAMESPACE.matcher(ns).matches()) {
        throw r.error(key + "." + ns, "is not a namespace: must match [a-z][a-z0-9_-]{0,31}");
      }
      Object v = o.getValue(ns);
      if (PRIVATE.equals(v)) {
        priv.add(ns);
      } else if (PUBLIC.equals(v)) {
        priv.remove(ns);
      } else {
        throw r.error(key + "." + ns, "must be \"public\" or \"private\"");
      }
    }
    return new NamespacesConfig(priv);
  }
}
