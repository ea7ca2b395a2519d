package dev.herald.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS on the public listener, key {@code http.tls}. Both paths empty (the default) serve plain HTTP and WS; both
 * set serve HTTPS and WSS on the same port. Files are read once at start-up.
 *
 * @param keyPath  PEM private key (PKCS#8 or PKCS#1); default empty
 * @param certPath PEM certificate chain, the server's certificate first; default empty
 */
public record TlsConfig(String keyPath, String certPath) {

  static TlsConfig read(ConfigReader r) {
    TlsConfig tls = new TlsConfig(r.string("keyPath", ""), r.string("certPath", ""));
    if (tls.keyPath.isEmpty() != tls.certPath.isEmpty()) {
      throw r.error(tls.keyPath.isEmpty() ? "keyPath" : "certPath", "must be set together with the other TLS path");
    }
    if (tls.enabled()) {
      if (!Files.isReadable(Path.of(tls.keyPath))) {
        throw r.error("keyPath", "names no readable file");
      }
      if (!Files.isReadable(Path.of(tls.certPath))) {
        throw r.error("certPath", "names no readable file");
      }
    }
    return tls;
  }

  public boolean enabled() {
    return !keyPath.isEmpty();
  }
}
