package dev.herald.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How far Herald's consumer group is behind on the ingest stream, read from Redis itself: entries not yet read by
 * the group (its last delivered id is not the stream's last id) and entries read but not acknowledged (pending),
 * plus the length of the dead-letter stream. With no subscribers this is the only way to see that the pipeline
 * kept up. Works over RESP2 and RESP3 (XINFO answers flat arrays or maps).
 */
final class IngestBacklog implements AutoCloseable {

  private final Redis redis;
  private final String stream;
  private final String deadStream;
  private final String group;

  IngestBacklog(Vertx vertx, BenchOptions o) {
    this.redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(o.redisUrl()));
    this.stream = o.stream();
    this.deadStream = o.deadStream();
    this.group = o.group();
  }

  /** {@code unread}: the group has not read up to the stream's last entry; {@code pending}: read, not acked. */
  record State(boolean unread, long pending, long deadLetters) {
    boolean drained() {
      return !unread && pending == 0;
    }
  }

  Future<State> read() {
    Future<Response> info = redis.send(Request.cmd(Command.XINFO).arg("STREAM").arg(stream));
    Future<Response> groups = redis.send(Request.cmd(Command.XINFO).arg("GROUPS").arg(stream));
    Future<Response> dead = redis.send(Request.cmd(Command.XLEN).arg(deadStream));
    return Future.all(info, groups, dead).map(v -> {
      String last = field(info.result(), "last-generated-id").toString();
      for (Response g : groups.result()) {
        if (group.equals(field(g, "name").toString())) {
          boolean unread = !last.equals(field(g, "last-delivered-id").toString());
          return new State(unread, field(g, "pending").toLong(), dead.result().toLong());
        }
      }
      throw new IllegalStateException("no consumer group " + group + " on " + stream);
    });
  }

  /** Calls and microseconds of one Redis command, by Redis's own count since it started (or stats were reset). */
  record CommandStat(long calls, long micros) {
    CommandStat minus(CommandStat earlier) {
      return earlier == null ? this : new CommandStat(calls - earlier.calls, micros - earlier.micros);
    }
  }

  /**
   * Each command's {@link CommandStat}, by lower-case name, from {@code INFO commandstats}: Redis's time inside
   * each command, the commands its scripts call counted both in their own lines and in the script's.
   */
  Future<Map<String, CommandStat>> commandStats() {
    return redis.send(Request.cmd(Command.INFO).arg("commandstats")).map(r -> {
      Map<String, CommandStat> stats = new HashMap<>();
      for (String line : r.toString().split("\r?\n")) {
        // cmdstat_evalsha:calls=12,usec=345,usec_per_call=28.75,rejected_calls=0,failed_calls=0
        int colon = line.indexOf(':');
        if (!line.startsWith("cmdstat_") || colon < 0) {
          continue;
        }
        long calls = -1;
        long micros = -1;
        for (String field : line.substring(colon + 1).split(",")) {
          if (field.startsWith("calls=")) {
            calls = Long.parseLong(field.substring(6));
          } else if (field.startsWith("usec=")) {
            micros = Long.parseLong(field.substring(5));
          }
        }
        if (calls >= 0 && micros >= 0) {
          stats.put(line.substring("cmdstat_".length(), colon).toLowerCase(Locale.ROOT),
              new CommandStat(calls, micros));
        }
      }
      return stats;
    });
  }

  /**
   * What Redis did for the step's posts, by its own count: the scripts (history commits in groups), with posts per
   * call and Redis's microseconds per call, and the stream's reads and acknowledgements: how full a step's commit
   * groups were, which tells a step that kept up from one that fell behind (BENCHMARKS.md, "The ingest-1k tail
   * measured again"). Other scripts (history replays, gap fills) would count too.
   */
  static JsonObject redisCalls(Map<String, CommandStat> before, Map<String, CommandStat> after, long posts) {
    long scripts = 0;
    long scriptMicros = 0;
    for (String name : List.of("evalsha", "eval")) {
      CommandStat d = delta(before, after, name);
      scripts += d.calls();
      scriptMicros += d.micros();
    }
    JsonObject out = new JsonObject().put("scripts", scripts)
        .put("postsPerScript", scripts == 0 ? null : BenchMain.round((double) posts / scripts))
        .put("microsPerScript", scripts == 0 ? null : BenchMain.round((double) scriptMicros / scripts));
    for (String name : List.of("xreadgroup", "xack", "xadd")) {
      out.put(name, delta(before, after, name).calls());
    }
    return out;
  }

  private static CommandStat delta(Map<String, CommandStat> before, Map<String, CommandStat> after, String name) {
    return after.getOrDefault(name, new CommandStat(0, 0)).minus(before.get(name));
  }

  /** Waits until drained, or {@code timeoutNanos} passed; returns the state last read. */
  State awaitDrained(long timeoutNanos) throws Exception {
    long deadline = System.nanoTime() + timeoutNanos;
    while (true) {
      State s = read().toCompletionStage().toCompletableFuture().get();
      if (s.drained() || System.nanoTime() >= deadline) {
        return s;
      }
      Thread.sleep(10);
    }
  }

  /** A field of an XINFO reply: a map under RESP3, a flat name/value array under RESP2. */
  private static Response field(Response r, String name) {
    Response v = null;
    if (!r.getKeys().isEmpty()) {
      v = r.get(name);
    } else {
      for (int i = 0; i + 1 < r.size() && v == null; i += 2) {
        if (r.get(i) != null && name.equals(r.get(i).toString())) {
          v = r.get(i + 1);
        }
      }
    }
    if (v == null) {
      throw new IllegalStateException("XINFO reply without " + name + ": " + r);
    }
    return v;
  }

  @Override
  public void close() {
    redis.close();
  }
}
