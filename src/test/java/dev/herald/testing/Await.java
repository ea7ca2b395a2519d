package dev.herald.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Waits on a future from the JUnit thread (never an event loop), so a test reads top to bottom. A future that
 * does not complete within the limit fails the test instead of hanging it.
 */
public final class Await {

  private static final long LIMIT_SECONDS = 10;

  private Await() {
  }

  /** The future's result within 30 s; a failure is rethrown unchecked. */
  public static <T> T of(Future<T> future) {
    return of(future, 30);
  }

  /** The future's result within {@code seconds}; a failure is rethrown unchecked. */
  public static <T> T of(Future<T> future, int seconds) {
    try {
      return future.await(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("not completed within " + seconds + " s", e);
    }
  }

  /**
   * Builds {@code chain} on an event loop of {@code vertx} and waits {@code seconds} for its result. An HTTP
   * client drops a response's bytes that arrive before its handler is set, and a step composed from the test
   * thread onto a future that already completed runs later, as a task: when the test thread is descheduled
   * between two steps, the handler of the later one is set after the first bytes were dropped (the stream looks
   * empty, a body never ends). Built in one task on the event loop, no response is handled between the steps.
   */
  public static <T> T built(Vertx vertx, Supplier<Future<T>> chain, int seconds) {
    Promise<T> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> chain.get().onComplete(result));
    return of(result.future(), seconds);
  }

  /** Runs {@code action} on {@code context}'s event loop and returns its result, within 30 s. */
  public static <T> T on(Context context, Callable<T> action) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> {
      try {
        p.complete(action.call());
      } catch (Exception e) {
        p.fail(e);
      }
    });
    return of(p.future());
  }

  /** The future's result; its failure is rethrown as is. */
  public static <T> T result(Future<T> future) throws Throwable {
    try {
      return future.toCompletionStage().toCompletableFuture().get(LIMIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("future not completed within " + LIMIT_SECONDS + " s", e);
    }
  }

  /** The future's failure; an assertion error when it succeeded. */
  public static Throwable failure(Future<?> future) throws Throwable {
    try {
      Object value = result(future);
      throw new AssertionError("expected a failure, got " + value);
    } catch (AssertionError e) {
      throw e;
    } catch (Throwable t) {
      return t;
    }
  }
}
