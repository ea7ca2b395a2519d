package dev.herald.config;

import java.util.List;

/**
 * The public HTTP listener.
 *
 * @param host           interface to bind; default {@value #DEFAULT_HOST}
 * @param port           TCP port; default {@value #DEFAULT_PORT}; 0 picks a free port (tests)
 * @param allowedOrigins origins allowed at every handshake and CORS preflight; default {@code ["*"]} (any)
 * @param trustedProxies peer addresses (exact, no CIDR) whose {@code X-Forwarded-For} is believed; default none
 * @param instances      event loops serving HTTP and client connections; default 0, which means one per core
 * @param tls            TLS on the node itself; default off (terminate TLS at a proxy instead)
 */
public record HttpConfig(String host, int port, List<String> allowedOrigins, List<String> trustedProxies,
                         int instances, TlsConfig tls) {

  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;
  public static final List<String> DEFAULT_ALLOWED_ORIGINS = List.of("*");

  static HttpConfig read(ConfigReader r) {
    return new HttpConfig(r.string("host", DEFAULT_HOST), r.integer("port", DEFAULT_PORT, 0, 65535),
        r.strings("allowedOrigins", DEFAULT_ALLOWED_ORIGINS), r.strings("trustedProxies", List.of()),
        r.integer("instances", 0, 0, 1024), TlsConfig.read(r.section("tls")));
  }

  /** The number of HTTP event loops to run. */
  public int effectiveInstances() {
    return instances > 0 ? instances : Runtime.getRuntime().availableProcessors();
  }

  /** True when {@code origin} (null for non-browser clients) may connect. */
  public boolean originAllowed(String origin) {
    return origin == null || allowedOrigins.contains("*") || allowedOrigins.contains(origin);
  }
}
