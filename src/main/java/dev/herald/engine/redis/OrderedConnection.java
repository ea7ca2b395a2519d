package dev.herald.engine.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;
import java.util.function.Function;

/**
 * One connection leased from a pooled client and kept: for requests whose order matters (Redis runs the requests
 * sent on it in the order they were sent, pipelined: the next is sent before the previous is answered; the pool's
 * other connections would run them in any order), or for a blocking read that must not hold a connection others
 * wait for. After the connection failed or closed, the next request
 * leases a new one, which is prepared (e.g. its scripts loaded) before any request goes on it; requests in flight on
 * the old one fail. Safe from any thread; order is kept among the requests of one thread.
 */
final class OrderedConnection {

  private final Redis pool;
  private final Function<RedisConnection, Future<?>> prepare;
  private Future<RedisConnection> connection;
  private boolean closed;

  /**
   * @param prepare sent on each newly leased connection before any request: a request must never meet Redis in a
   *     state a later one does not (a script not loaded yet would make it fall back behind the later one)
   */
  OrderedConnection(Redis pool, Function<RedisConnection, Future<?>> prepare) {
    this.pool = pool;
    this.prepare = prepare;
  }

  Future<Response> send(Request request) {
    Future<RedisConnection> leased = current();
    return leased.compose(c -> c.send(request)).onFailure(err -> {
      // An error reply leaves the connection as it was; anything else (closed, reset) means a new one, even if the
      // connection died before its end handler was set.
      if (!(err instanceof ErrorType)) {
        drop(leased);
      }
    });
  }

  private synchronized Future<RedisConnection> current() {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("connection closed"));
    }
    if (connection == null) {
      Future<RedisConnection> leased = pool.connect()
          .compose(c -> prepare.apply(c).transform(ar -> {
            if (ar.failed()) {
              c.close();
              return Future.failedFuture(ar.cause());
            }
            return Future.succeededFuture(c);
          }));
      connection = leased;
      leased.onSuccess(c -> c.exceptionHandler(err -> drop(leased)).endHandler(v -> drop(leased)))
          .onFailure(err -> drop(leased));
    }
    return connection;
  }

  /** Forgets {@code leased} (if it is still the current one) and closes it, so the next request leases anew. */
  private void drop(Future<RedisConnection> leased) {
    synchronized (this) {
      if (connection != leased) {
        return;
      }
      connection = null;
    }
    leased.onSuccess(RedisConnection::close);
  }

  Future<Void> close() {
    Future<RedisConnection> leased;
    synchronized (this) {
      closed = true;
      leased = connection;
      connection = null;
    }
    return leased == null ? Future.succeededFuture()
        : leased.transform(ar -> ar.succeeded() ? ar.result().close() : Future.succeededFuture());
  }
}
