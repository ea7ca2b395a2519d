package dev.herald.engine.redis;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * A Lua script run with EVALSHA, falling back to EVAL when the server answers NOSCRIPT (after a restart or a
 * SCRIPT FLUSH). EVALSHA keeps the script text off the wire on the hot path; the EVAL fallback also loads the
 * script, so the next call hits the cache again. Arguments are strings or {@link Buffer}s (binary-safe).
 */
final class LuaScript {

  private final String source;
  private final String sha;

  LuaScript(String source) {
    this.source = source;
    this.sha = sha1(source);
  }

  /** Runs the script with the given keys (declared, so Redis Cluster can route it) and arguments. */
  Future<Response> run(Redis redis, List<String> keys, List<?> args) {
    return run(redis::send, keys, args);
  }

  /**
   * Runs the script on {@code connection}. After NOSCRIPT the script is sent again with EVAL, behind whatever was
   * sent on the connection meanwhile: prepare the connection with {@link #load} so that happens only if someone
   * flushed the scripts while it was open.
   */
  Future<Response> run(OrderedConnection connection, List<String> keys, List<?> args) {
    return run(connection::send, keys, args);
  }

  /** Loads the script into Redis's cache through {@code connection}, so EVALSHA finds it. */
  Future<Response> load(RedisConnection connection) {
    return connection.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(source));
  }

  private Future<Response> run(Function<Request, Future<Response>> send, List<String> keys, List<?> args) {
    return send.apply(request(Command.EVALSHA, sha, keys, args)).recover(err -> {
      if (err.getMessage() != null && err.getMessage().startsWith("NOSCRIPT")) {
        return send.apply(request(Command.EVAL, source, keys, args));
      }
      return Future.failedFuture(err);
    });
  }

  private static Request request(Command command, String script, List<String> keys, List<?> args) {
    Request req = Request.cmd(command).arg(script).arg(keys.size());
    keys.forEach(req::arg);
    for (Object a : args) {
      if (a instanceof Buffer b) {
        req.arg(b);
      } else {
        req.arg(String.valueOf(a));
      }
    }
    return req;
  }

  private static String sha1(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JVM", e);
    }
  }
}
