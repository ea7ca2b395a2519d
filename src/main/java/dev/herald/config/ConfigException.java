package dev.herald.config;

/** A setting that is missing its right type or value; the message names the key and where it came from. */
public class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }
}
