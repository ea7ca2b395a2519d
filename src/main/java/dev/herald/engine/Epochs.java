package dev.herald.engine;

import java.security.SecureRandom;

/** New history epochs: short random base-36 strings, so an id from a lost history never matches a new one. */
public final class Epochs {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  private Epochs() {
  }

  public static String next() {
    char[] c = new char[8];
    for (int i = 0; i < c.length; i++) {
      c[i] = DIGITS[RANDOM.nextInt(DIGITS.length)];
    }
    return new String(c);
  }
}
