package dev.herald.testing;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Polls a condition that becomes true asynchronously (a counter scraped over HTTP, a readiness flip) until a
 * deadline; the last failure is rethrown so the test says what was still wrong.
 */
public final class Eventually {

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private Eventually() {
  }

  /** Runs {@code check} until it passes, for at most {@code seconds}. */
  public static void within(int seconds, Runnable check) {
    get(seconds, () -> {
      check.run();
      return null;
    });
  }

  /** The value of {@code attempt} once it returns without throwing, for at most {@code seconds}. */
  public static <T> T get(int seconds, Supplier<T> attempt) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      try {
        return attempt.get();
      } catch (AssertionError | Exception e) {
        // Exception, not only RuntimeException: Vert.x's await rethrows checked causes (ConnectException) as is.
        if (System.nanoTime() > deadline) {
          throw e instanceof AssertionError a ? a : new AssertionError("still failing after " + seconds + " s", e);
        }
        LockSupport.parkNanos(POLL_NANOS);
      }
    }
  }
}
