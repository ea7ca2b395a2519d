package dev.herald.engine.redis;

import dev.herald.config.HistoryConfig;
import dev.herald.config.PublishConfig;
import dev.herald.config.RedisConfig;
import dev.herald.engine.Commit;
import dev.herald.engine.Epochs;
import dev.herald.engine.History;
import dev.herald.engine.Replay;
import dev.herald.message.Channel;
import dev.herald.message.MessageId;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * History in Redis, shared by the cluster. One channel has three kinds of keys, all with the channel as hash tag
 * so they share a Redis Cluster slot and one script may touch them together:
 * <ul>
 *   <li>{@code <prefix>{<channel>}:meta}: a hash with the history's {@code epoch} and latest {@code offset};</li>
 *   <li>{@code <prefix>{<channel>}:log}: a stream capped at {@code history.size}, entry id {@code <offset>-1},
 *       field {@code b} the body;</li>
 *   <li>{@code <prefix>{<channel>}:dd:<dedupeKey>}: the id a dedupe key was committed as, for the dedupe
 *       window.</li>
 * </ul>
 * Each operation is one Lua script (EVALSHA, EVAL on NOSCRIPT), so commit and read are atomic. When the meta
 * hash is gone (expired, evicted, Redis restarted empty) the next commit starts a new epoch and drops any
 * orphaned log, so a client's old id can never be mistaken for a position in the new history. Meta and log
 * expire {@code history.ttlSeconds} after the channel's last commit. Safe from any thread; the pooled client
 * belongs to the caller.
 */
public final class RedisHistory implements History {

  private static final LuaScript COMMIT = new LuaScript("""
      local epoch = redis.call('HGET', KEYS[1], 'epoch')
      if KEYS[3] then
        -- A marker from a history since lost names an id no subscriber can find: commit again instead.
        local seen = redis.call('GET', KEYS[3])
        if seen and epoch and string.sub(seen, 1, #epoch + 1) == epoch .. '-' then return {seen, 1} end
      end
      if not epoch then
        epoch = ARGV[1]
        redis.call('DEL', KEYS[2])
        redis.call('HSET', KEYS[1], 'epoch', epoch, 'offset', 0)
      end
      local offset = redis.call('HINCRBY', KEYS[1], 'offset', 1)
      redis.call('XADD', KEYS[2], 'MAXLEN', '=', ARGV[2], offset .. '-1', 'b', ARGV[5])
      local ttl = tonumber(ARGV[3])
      if ttl > 0 then
        redis.call('EXPIRE', KEYS[1], ttl)
        redis.call('EXPIRE', KEYS[2], ttl)
      else
        redis.call('PERSIST', KEYS[1])
        redis.call('PERSIST', KEYS[2])
      end
      local id = epoch .. '-' .. offset
      if KEYS[3] then redis.call('SET', KEYS[3], id, 'PX', ARGV[4]) end
      return {id, 0}
      """);

  // Answers {epoch or '', top offset, first held offset, recovered 0|1, entries}. '' rather than a Lua false,
  // which RESP3 clients would receive as a boolean and RESP2 clients as nil.
  private static final LuaScript SINCE = new LuaScript("""
      local epoch = redis.call('HGET', KEYS[1], 'epoch')
      if not epoch then return {'', 0, 0, ARGV[4] == '0' and 1 or 0, {}} end
      local top = tonumber(redis.call('HGET', KEYS[1], 'offset') or '0')
      local first = top + 1
      local head = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)
      if #head > 0 then first = tonumber(string.match(head[1][1], '^(%d+)')) end
      if ARGV[4] == '0' then return {epoch, top, first, 1, {}} end
      local same = ARGV[1] == epoch
      local since = tonumber(ARGV[2])
      if same and since > top then return {epoch, top, first, 0, {}} end
      local recovered = same and since >= first - 1
      local after = 0
      if recovered then after = since end
      local entries = redis.call('XRANGE', KEYS[2], string.format('%d-0', after + 1), '+',
          'COUNT', tonumber(ARGV[3]) + 1)
      return {epoch, top, first, recovered and 1 or 0, entries}
      """);

  private static final LuaScript REMOVE = new LuaScript("""
      if redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[1] then return 0 end
      return redis.call('XDEL', KEYS[2], ARGV[2] .. '-1')
      """);

  private final Redis pool;
  private final String prefix;
  private final int size;
  private final long ttlSeconds;
  private final long dedupeWindowMs;

  public RedisHistory(Redis pool, RedisConfig redis, HistoryConfig history, PublishConfig publish) {
    this.pool = pool;
    this.prefix = redis.keyPrefix();
    this.size = history.size();
    this.ttlSeconds = history.ttlSeconds();
    this.dedupeWindowMs = publish.dedupeWindowMs();
  }

  @Override
  public Future<Commit> commit(Channel channel, String dedupeKey, Buffer body) {
    List<String> keys = dedupeKey == null ? List.of(meta(channel), log(channel))
        : List.of(meta(channel), log(channel), key(channel, "dd:" + dedupeKey));
    List<Object> args = List.of(Epochs.next(), size, ttlSeconds, dedupeWindowMs, body);
    return COMMIT.run(pool, keys, args).map(r -> new Commit(messageId(r.get(0).toString()), r.get(1).toInteger() == 1));
  }

  @Override
  public Future<Replay> since(Channel channel, MessageId since, int limit) {
    List<Object> args = since == null ? List.of("", 0, limit, 0) : List.of(since.epoch(), since.offset(), limit, 1);
    return SINCE.run(pool, List.of(meta(channel), log(channel)), args).map(r -> replay(r, limit));
  }

  private static Replay replay(Response r, int limit) {
    String epoch = r.get(0).toString();
    long top = r.get(1).toLong();
    MessageId position = epoch.isEmpty() || top == 0 ? null : new MessageId(epoch, top);
    boolean recovered = r.get(3).toInteger() == 1;
    List<Replay.Entry> entries = new ArrayList<>();
    for (Response e : r.get(4)) {
      long offset = StreamReplies.millisOf(e.get(0).toString()); // log ids are <offset>-1
      entries.add(new Replay.Entry(new MessageId(epoch, offset), e.get(1).get(1).toBuffer()));
    }
    boolean more = entries.size() > limit;
    return new Replay(position, recovered, more ? entries.subList(0, limit) : entries, more);
  }

  @Override
  public Future<Boolean> remove(Channel channel, MessageId id) {
    return REMOVE.run(pool, List.of(meta(channel), log(channel)), List.of(id.epoch(), id.offset()))
        .map(r -> r.toLong() > 0);
  }

  @Override
  public Future<Long> size(Channel channel) {
    return pool.send(Request.cmd(Command.XLEN).arg(log(channel))).map(Response::toLong);
  }

  /** Nothing to release: the pooled client is the caller's. */
  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private String meta(Channel channel) {
    return key(channel, "meta");
  }

  private String log(Channel channel) {
    return key(channel, "log");
  }

  private String key(Channel channel, String suffix) {
    return prefix + "{" + channel + "}:" + suffix;
  }

  private static MessageId messageId(String text) {
    return MessageId.parse(text).orElseThrow(() -> new IllegalStateException("history holds a bad id: " + text));
  }
}
