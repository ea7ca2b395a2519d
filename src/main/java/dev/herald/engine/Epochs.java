package dev.herald.engine;

import java.util.concurrent.ThreadLocalRandom;

/**
 * New history epochs: short random base-36 strings, so an id from a lost history never matches a new one. Not
 * secret, only unlikely to repeat (36^8 values), so not SecureRandom: the Redis engine draws one per commit (the
 * script uses it only when the channel's history starts afresh), and SecureRandom's reads of the system's entropy
 * source were a visible share of the ingest profile.
 */
public final class Epochs {

  private static final char[] DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  private Epochs() {
  }

  public static String next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] c = new char[8];
    for (int i = 0; i < c.length; i++) {
      c[i] = DIGITS[random.nextInt(DIGITS.length)];
    }
    return new String(c);
  }
}
