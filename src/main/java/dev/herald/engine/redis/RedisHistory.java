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
import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * History in Redis, shared by the cluster. One channel is one key, {@code <prefix>{<channel>}:history}, a list:
 * <ul>
 *   <li>its first element is the history's header, {@code "<epoch> <base> <expiry> <tombstones>"}: the offset
 *       before the first body's, the expiry last set on the key (Unix seconds, {@code 0} for none) and how many
 *       removed messages still hold a slot;</li>
 *   <li>the others are the bodies, oldest first. Offsets are consecutive, so the body at index i holds offset
 *       base + i and the last one the top offset; a removed message leaves an empty element (a tombstone) in its
 *       slot, and the first body is never a tombstone (they are cut as they reach it). The history is the newest
 *       {@code history.size} messages. Without tombstones (the usual case) the list may hold a slack of older ones
 *       beyond that, up to an eighth of the size (at least 1, at most 1,024), which no read returns: it is cut
 *       back to the size in one LTRIM when the slack is full, not by one LTRIM per commit (which made a post's
 *       commit script cost Redis a tenth more: {@code scripts/bench-redis-commit}). With tombstones the list holds
 *       the size exactly, so a removal cuts the slack first.</li>
 * </ul>
 * and one key per deduplicated message: {@code <prefix>dd:<dedupeKey>}, a hash of the id the message was committed
 * as in each of its channels, kept for the dedupe window.
 * One key rather than a meta hash beside a list of bodies (earlier builds): every post opens a channel of its own
 * ({@code post:<id>}), and each key Redis adds costs it a few microseconds per post (its key table, its expiry),
 * so the header rides in the list; it holds no top offset, which RPUSH's answer gives, so a commit rewrites it
 * only when it cuts the list or moves the expiry. A list rather than a stream: Redis gives a new stream a 4 KB
 * node at once (its first XADD cost ~46 us of Redis CPU in the ingest bench, a third of Redis's work per post),
 * where a list takes its elements' size. Cuts move the header onto the last slot they drop (LSET) and LTRIM up to
 * it, so the key never empties and never loses its expiry.
 * Each operation is one Lua script (EVALSHA, EVAL on NOSCRIPT), so commit and read are atomic; a message's commits
 * to all its channels are one script, and so are the commits an event loop made meanwhile ({@link CommitGroup}),
 * so on Redis Cluster {@code redis.keyPrefix} needs a hash tag of its own
 * (e.g. {@code {herald}:}), which puts every key in one slot. When the key is gone (expired, evicted, Redis
 * restarted empty) the next commit starts a new epoch, so a client's old id can never be mistaken for a position
 * in the new history. The key expires {@code history.ttlSeconds} after the channel's last commit, or up to a minute
 * later (the script moves its expiry once per time step, not at every commit). Bodies must not be empty (an empty
 * element is a tombstone).
 * Safe from any thread; the pooled client belongs to the caller.
 */
public final class RedisHistory implements History {

  // A group of messages, each to each of its channels. ARGV[1..5]: a new history's epoch, the size, the ttl, the
  // dedupe window (ms), the number of messages; then per message: its body, '1' when it has a dedupe marker, its
  // number of channels n, the n channel names. KEYS per message: each channel's key, then its marker.
  // Answers one array per message: {0, id, duplicate 0|1, ...} per channel, or {1, error} when a command failed
  // (pcall: one message's failure, e.g. a key of the wrong type, leaves the group's others committed and answered).
  // Every redis.call costs about half a microsecond on top of its command, so a marker is one hash per message
  // (one HMGET, one HSET), a new history is one RPUSH of header and body, a commit to a history reads its header
  // (LINDEX) and appends (RPUSH: its answer gives the offset), and the key's expiry is moved at most once per
  // time step (the header's expiry: the one last set, '0' for none) rather than by an EXPIRE per commit: the
  // history lives ttl to ttl + step after its last commit, the step a minute from a 10-minute ttl up, a tenth of
  // the ttl below that. Redis's clock, so node clocks do not matter. The cap counts messages, not tombstones: with
  // none (the usual case) one cut keeps the newest once the slack is full; otherwise the oldest messages are cut,
  // and the tombstones among them and right after them.
  private static final LuaScript COMMIT = new LuaScript("""
      local newEpoch, ttl, size, window = ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[2]), ARGV[4]
      local slack = math.min(1024, math.max(1, math.floor(size / 8)))
      local expireAt = '0'
      if ttl > 0 then
        local step = ttl >= 600 and 60 or math.max(1, math.floor(ttl / 10))
        local now = tonumber(redis.call('TIME')[1])
        expireAt = string.format('%d', (math.floor(now / step) + 1) * step + ttl)
      end
      -- The message whose first key is KEYS[k + 1] and whose body is ARGV[a].
      local function commit(k, a, n, hasMarker)
        local body, marker, seen, fresh, out = ARGV[a], nil, {}, {}, {0}
        if hasMarker then
          marker = KEYS[k + n + 1]
          seen = redis.call('HMGET', marker, unpack(ARGV, a + 3, a + 2 + n))
        end
        for i = 1, n do
          local key = KEYS[k + i]
          local head = redis.call('LINDEX', key, 0)
          local epoch, base, exp, gone
          if head then
            epoch, base, exp, gone = string.match(head, '^(%S+) (%d+) (%d+) (%d+)$')
            if not epoch then error('history ' .. key .. ' has no header') end
            base, gone = tonumber(base), tonumber(gone)
          end
          local id = seen[i]
          -- A marker from a history since lost names an id no subscriber can find: commit again instead.
          if id and epoch and string.sub(id, 1, #epoch + 1) == epoch .. '-' then
            out[#out + 1] = id; out[#out + 1] = 1
          else
            local top
            if not head then
              epoch, top = newEpoch, 1
              redis.call('RPUSH', key, epoch .. ' 0 ' .. expireAt .. ' 0', body)
              if expireAt ~= '0' then redis.call('EXPIREAT', key, expireAt) end
            else
              local held, cut = redis.call('RPUSH', key, body) - 1, 0
              top = base + held
              if gone == 0 then
                if held > size + slack then cut = held - size end
              elseif held - gone > size then
                local excess = held - gone - size
                for _, slot in ipairs(redis.call('LRANGE', key, 1, excess + gone)) do
                  if excess == 0 and slot ~= '' then break end
                  if slot == '' then gone = gone - 1 else excess = excess - 1 end
                  cut = cut + 1
                end
              end
              if exp ~= expireAt then
                if expireAt ~= '0' then redis.call('EXPIREAT', key, expireAt) else redis.call('PERSIST', key) end
              end
              if cut > 0 or exp ~= expireAt then
                redis.call('LSET', key, cut, string.format('%s %d %s %d', epoch, base + cut, expireAt, gone))
                if cut > 0 then redis.call('LTRIM', key, cut, -1) end
              end
            end
            id = epoch .. '-' .. string.format('%d', top)
            fresh[#fresh + 1] = ARGV[a + 2 + i]; fresh[#fresh + 1] = id
            out[#out + 1] = id; out[#out + 1] = 0
          end
        end
        if marker and #fresh > 0 then
          redis.call('HSET', marker, unpack(fresh))
          redis.call('PEXPIRE', marker, window)
        end
        return out
      end
      local answers, k, a = {}, 0, 6
      for m = 1, tonumber(ARGV[5]) do
        local n, hasMarker = tonumber(ARGV[a + 2]), ARGV[a + 1] == '1'
        local ok, answer = pcall(commit, k, a, n, hasMarker)
        if not ok then
          answer = {1, type(answer) == 'table' and answer.err or tostring(answer)}
        end
        answers[m] = answer
        k = k + n + (hasMarker and 1 or 0)
        a = a + 3 + n
      end
      return answers
      """);

  // Answers {epoch or '', top offset, first held offset, recovered 0|1, {offset, body, ...}}. '' rather than a Lua
  // false, which RESP3 clients would receive as a boolean and RESP2 clients as nil. The first body is a message, so
  // the first held offset is top - bodies + 1, or without tombstones top - min(bodies, size) + 1 (the slack is not
  // returned); the range asked for holds limit + 1 messages even if every tombstone lies inside it.
  private static final LuaScript SINCE = new LuaScript("""
      local head = redis.call('LINDEX', KEYS[1], 0)
      if not head then return {'', 0, 0, ARGV[4] == '0' and 1 or 0, {}} end
      local epoch, base, _, gone = string.match(head, '^(%S+) (%d+) (%d+) (%d+)$')
      if not epoch then return redis.error_reply('history ' .. KEYS[1] .. ' has no header') end
      gone = tonumber(gone)
      local held = redis.call('LLEN', KEYS[1]) - 1
      local oldest, top = tonumber(base) + 1, tonumber(base) + held
      local first = oldest
      if gone == 0 then first = top - math.min(held, tonumber(ARGV[5])) + 1 end
      if ARGV[4] == '0' then return {epoch, top, first, 1, {}} end
      local same = ARGV[1] == epoch
      local since = tonumber(ARGV[2])
      if same and since > top then return {epoch, top, first, 0, {}} end
      local recovered = same and since >= first - 1
      local from = first
      if recovered then from = since + 1 end
      local want = tonumber(ARGV[3]) + 1
      local slots = redis.call('LRANGE', KEYS[1], from - oldest + 1, from - oldest + want + gone)
      local entries = {}
      for i, body in ipairs(slots) do
        if #entries == 2 * want then break end
        if body ~= '' then
          entries[#entries + 1] = from + i - 1; entries[#entries + 1] = body
        end
      end
      return {epoch, top, first, recovered and 1 or 0, entries}
      """);

  // Leaves a tombstone in the message's slot (its neighbours keep their offsets), then cuts those that lead. The
  // slack goes first (a message in it is no longer in the history), since a list with tombstones holds the size.
  private static final LuaScript REMOVE = new LuaScript("""
      local key, size = KEYS[1], tonumber(ARGV[3])
      local head = redis.call('LINDEX', key, 0)
      if not head then return 0 end
      local epoch, base, exp, gone = string.match(head, '^(%S+) (%d+) (%d+) (%d+)$')
      if epoch ~= ARGV[1] then return 0 end
      base, gone = tonumber(base), tonumber(gone)
      local held = redis.call('LLEN', key) - 1
      local cut = 0
      if gone == 0 and held > size then cut = held - size end
      local slot = tonumber(ARGV[2]) - base
      if slot <= cut or slot > held or redis.call('LINDEX', key, slot) == '' then return 0 end
      redis.call('LSET', key, slot, '')
      gone = gone + 1
      if slot == cut + 1 then
        for _, body in ipairs(redis.call('LRANGE', key, cut + 1, cut + gone)) do
          if body ~= '' then break end
          cut = cut + 1
          gone = gone - 1
        end
      end
      redis.call('LSET', key, cut, string.format('%s %d %s %d', epoch, base + cut, exp, gone))
      if cut > 0 then redis.call('LTRIM', key, cut, -1) end
      return 1
      """);

  private static final LuaScript SIZE = new LuaScript("""
      local head = redis.call('LINDEX', KEYS[1], 0)
      if not head then return 0 end
      local gone = string.match(head, '^%S+ %d+ %d+ (%d+)$')
      if not gone then return redis.error_reply('history ' .. KEYS[1] .. ' has no header') end
      gone = tonumber(gone)
      local held = redis.call('LLEN', KEYS[1]) - 1
      if gone == 0 then return math.min(held, tonumber(ARGV[1])) end
      return held - gone
      """);

  private final Redis pool;
  private final OrderedConnection commits;
  private final String prefix;
  private final int size;
  private final long ttlSeconds;
  private final long dedupeWindowMs;
  private final ConcurrentHashMap<EventLoop, CommitGroup> groups = new ConcurrentHashMap<>();

  public RedisHistory(Redis pool, RedisConfig redis, HistoryConfig history, PublishConfig publish) {
    this.pool = pool;
    // The script is loaded on each new connection before any commit: after a Redis restart, EVALSHA's NOSCRIPT
    // fallback would put the first commits behind later ones that found the script already loaded.
    this.commits = new OrderedConnection(pool, COMMIT::load);
    this.prefix = redis.keyPrefix();
    this.size = history.size();
    this.ttlSeconds = history.ttlSeconds();
    this.dedupeWindowMs = publish.dedupeWindowMs();
  }

  @Override
  public Future<Commit> commit(Channel channel, String dedupeKey, Buffer body) {
    return commitAll(List.of(channel), dedupeKey, body).map(commits -> commits.get(0));
  }

  /**
   * One script for all the channels, on the connection kept for commits: Redis applies commits in the order they
   * were sent, so none waits for the one before it, and the body crosses the wire once. On an event loop the commit
   * joins that loop's {@link CommitGroup} (one script call for the commits made there meanwhile); elsewhere it is
   * sent alone.
   */
  @Override
  public Future<List<Commit>> commitAll(List<Channel> channels, String dedupeKey, Buffer body) {
    if (body.length() == 0) {
      return Future.failedFuture(new IllegalArgumentException("a history entry's body must not be empty"));
    }
    ContextInternal context = (ContextInternal) Vertx.currentContext();
    if (context == null || !context.isEventLoopContext() || !context.nettyEventLoop().inEventLoop()) {
      Promise<List<Commit>> promise = Promise.promise();
      sendGroup(List.of(new CommitGroup.Pending(channels, dedupeKey, body, promise)));
      return promise.future();
    }
    Promise<List<Commit>> promise = context.promise();
    EventLoop loop = context.nettyEventLoop();
    CommitGroup group = groups.get(loop);
    if (group == null) { // once per loop: computeIfAbsent's capturing lambda would be one allocation per message
      group = groups.computeIfAbsent(loop, l -> new CommitGroup(
          ((VertxInternal) context.owner()).contextBuilder().withEventLoop(l).build(), this::sendGroup));
    }
    group.add(new CommitGroup.Pending(channels, dedupeKey, body, promise));
    return promise.future();
  }

  /** Commits a group in one script call and completes each commit's promise; completes when Redis answered. */
  private Future<Void> sendGroup(List<CommitGroup.Pending> group) {
    List<String> keys = new ArrayList<>();
    List<Object> args = new ArrayList<>();
    Collections.addAll(args, Epochs.next(), size, ttlSeconds, dedupeWindowMs, group.size());
    for (CommitGroup.Pending p : group) {
      Collections.addAll(args, p.body(), p.dedupeKey() == null ? 0 : 1, p.channels().size());
      for (Channel channel : p.channels()) {
        keys.add(key(channel));
        args.add(channel.toString());
      }
      if (p.dedupeKey() != null) {
        keys.add(prefix + "dd:" + p.dedupeKey());
      }
    }
    return COMMIT.run(commits, keys, args).transform(r -> {
      if (r.failed()) {
        group.forEach(p -> p.promise().fail(r.cause()));
        return Future.succeededFuture();
      }
      for (int m = 0; m < group.size(); m++) {
        Promise<List<Commit>> promise = group.get(m).promise();
        try {
          answer(r.result().get(m), promise);
        } catch (RuntimeException e) { // a reply not shaped as the script answers: this commit's failure only
          promise.tryFail(e);
        }
      }
      return Future.succeededFuture();
    });
  }

  private static void answer(Response answer, Promise<List<Commit>> promise) {
    if (answer.get(0).toInteger() != 0) {
      promise.fail(new IllegalStateException("commit failed in Redis: " + answer.get(1)));
      return;
    }
    List<Commit> out = new ArrayList<>(answer.size() / 2);
    for (int i = 1; i + 1 < answer.size(); i += 2) {
      out.add(new Commit(messageId(answer.get(i).toString()), answer.get(i + 1).toInteger() == 1));
    }
    promise.complete(out);
  }

  @Override
  public Future<Replay> since(Channel channel, MessageId since, int limit) {
    List<Object> args = since == null ? List.of("", 0, limit, 0, size)
        : List.of(since.epoch(), since.offset(), limit, 1, size);
    return SINCE.run(pool, keys(channel), args).map(r -> replay(r, limit));
  }

  private static Replay replay(Response r, int limit) {
    String epoch = r.get(0).toString();
    long top = r.get(1).toLong();
    MessageId position = epoch.isEmpty() || top == 0 ? null : new MessageId(epoch, top);
    boolean recovered = r.get(3).toInteger() == 1;
    Response flat = r.get(4);
    List<Replay.Entry> entries = new ArrayList<>(flat.size() / 2);
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      entries.add(new Replay.Entry(new MessageId(epoch, flat.get(i).toLong()), flat.get(i + 1).toBuffer()));
    }
    boolean more = entries.size() > limit;
    return new Replay(position, recovered, more ? entries.subList(0, limit) : entries, more);
  }

  @Override
  public Future<Boolean> remove(Channel channel, MessageId id) {
    return REMOVE.run(pool, keys(channel), List.of(id.epoch(), id.offset(), size))
        .map(r -> r.toLong() > 0);
  }

  @Override
  public Future<Long> size(Channel channel) {
    return SIZE.run(pool, keys(channel), List.of(size)).map(Response::toLong);
  }

  /** Returns the connection kept for commits; the pooled client is the caller's. */
  @Override
  public Future<Void> close() {
    return commits.close();
  }

  private List<String> keys(Channel channel) {
    return List.of(key(channel));
  }

  private String key(Channel channel) {
    return prefix + "{" + channel + "}:history";
  }

  private static MessageId messageId(String text) {
    return MessageId.parse(text).orElseThrow(() -> new IllegalStateException("history holds a bad id: " + text));
  }
}
