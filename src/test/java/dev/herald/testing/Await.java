package dev.herald.testing;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Blocking waits on futures for test threads, failing the test after a deadline instead of hanging. */
public final class Await {

  private Await() {
  }

  public static <T> T of(Future<T> future) {
    return of(future, 30);
  }

  public static <T> T of(Future<T> future, int seconds) {
    try {
      return future.await(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("not completed within " + seconds + " s", e);
    }
  }
}
