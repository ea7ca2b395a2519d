package dev.herald.security;

import java.util.regex.Pattern;

/** Keeps secrets out of log lines: transports log request URIs only through {@link #redactUri}. */
public final class Secrets {

  private static final Pattern TOKEN_PARAM = Pattern.compile("([?&](?:token|access_token)=)[^&#]*",
      Pattern.CASE_INSENSITIVE);

  private Secrets() {
  }

  /** The URI with the value of every {@code token} / {@code access_token} query parameter replaced by {@code ***}. */
  public static String redactUri(String uri) {
    return uri == null ? null : TOKEN_PARAM.matcher(uri).replaceAll("$1***");
  }
}
