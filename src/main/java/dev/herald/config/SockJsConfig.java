package dev.herald.config;

/**
 * The SockJS endpoint at {@code /rt}.
 *
 * @param conformance also mount the four services of the public SockJS protocol test suite ({@code /echo},
 *                    {@code /close}, {@code /disabled_websocket_echo}, {@code /cookie_needed_echo}); default
 *                    {@value #DEFAULT_CONFORMANCE}; only for running that suite ({@code conf/sockjs-conformance.json}),
 *                    never in production
 */
public record SockJsConfig(boolean conformance) {

  public static final boolean DEFAULT_CONFORMANCE = false;

  static SockJsConfig read(ConfigReader r) {
    return new SockJsConfig(r.bool("conformance", DEFAULT_CONFORMANCE));
  }
}
