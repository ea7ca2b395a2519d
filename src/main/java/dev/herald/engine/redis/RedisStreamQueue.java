package dev.herald.engine.redis;

import dev.herald.config.IngestConfig;
import dev.herald.config.RedisConfig;
import dev.herald.engine.DeadLetter;
import dev.herald.engine.Queue;
import dev.herald.engine.QueueEntry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The ingest queue on a Redis stream and a consumer group shared by every node.
 *
 * <ul>
 *   <li>The group is created at id {@code 0}, not {@code $}: entries producers XADDed before the first node
 *       started are delivered, not skipped. A group that already exists (BUSYGROUP) is kept as it is.</li>
 *   <li>{@link #next} runs its blocking XREADGROUP on a dedicated connection of a client this queue owns, so a
 *       BLOCK never holds a pooled connection that commits and acks wait for ({@link OrderedConnection}). A closed or
 *       broken connection is dropped and the next call connects again; the failure itself is reported, so the
 *       caller backs off.
 *       One {@code next} at a time: a second one would queue behind the first on the same connection.</li>
 *   <li>Dead letters carry the producer's fields plus {@value #REASON}, {@value #ENTRY_ID} and
 *       {@value #ATTEMPTS}; the {@code herald.} prefix keeps them apart from producer fields (a producer field
 *       of the same name is overwritten). Dead-lettering and replay are one Lua script each, so they are atomic.
 *       Both touch the ingest and the dead stream: on Redis Cluster give {@code redis.keyPrefix} a hash tag,
 *       e.g. {@code {herald}:}, so the two streams share a slot.</li>
 * </ul>
 * Every method may be called from any thread.
 */
public final class RedisStreamQueue implements Queue {

  /** Dead-letter field: why the entry could not be processed. */
  public static final String REASON = "herald.reason";
  /** Dead-letter field: the entry's id in the ingest stream. */
  public static final String ENTRY_ID = "herald.entryId";
  /** Dead-letter field: how many attempts were made. */
  public static final String ATTEMPTS = "herald.attempts";

  private static final Pattern STREAM_ID = Pattern.compile("\\d+-\\d+");

  private static final LuaScript DEAD_LETTER = new LuaScript("""
      local args = {}
      for i = 5, #ARGV do args[#args + 1] = ARGV[i] end
      args[#args + 1] = 'herald.reason'; args[#args + 1] = ARGV[3]
      args[#args + 1] = 'herald.entryId'; args[#args + 1] = ARGV[2]
      args[#args + 1] = 'herald.attempts'; args[#args + 1] = ARGV[4]
      -- Only the consumer that still holds the entry may dead-letter it: one that was taken over and acknowledged
      -- elsewhere meanwhile is not dead-lettered (nor twice).
      if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return '' end
      return redis.call('XADD', KEYS[2], '*', unpack(args))
      """);

  private static final LuaScript REPLAY = new LuaScript("""
      local found = redis.call('XRANGE', KEYS[2], ARGV[1], ARGV[1])
      if #found == 0 then return '' end
      local f = found[1][2]
      local args = {}
      for i = 1, #f, 2 do
        if f[i] ~= ARGV[2] and f[i] ~= ARGV[3] and f[i] ~= ARGV[4] then
          args[#args + 1] = f[i]; args[#args + 1] = f[i + 1]
        end
      end
      local id = redis.call('XADD', KEYS[1], '*', unpack(args))
      redis.call('XDEL', KEYS[2], ARGV[1])
      return id
      """);

  // Checked and deleted in one script: between a separate XINFO and DELCONSUMER the consumer could claim new
  // entries, and DELCONSUMER would drop them from the pending list for good.
  private static final LuaScript REMOVE_EMPTIED_CONSUMERS = new LuaScript("""
      local removed = 0
      for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
        local info = {}
        for i = 1, #c, 2 do info[c[i]] = c[i + 1] end
        if info['name'] ~= ARGV[2] and tonumber(info['pending']) == 0
            and tonumber(info['idle']) > tonumber(ARGV[3]) then
          redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], info['name'])
          removed = removed + 1
        end
      end
      return removed
      """);

  // XINFO GROUPS answers flat arrays inside a script whatever protocol the client speaks, so one parser serves
  // RESP2 and RESP3. 'lag' is nil when Redis cannot compute it (entries deleted below the group's position).
  private static final LuaScript LAG = new LuaScript("""
      if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
      for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
        local info = {}
        for i = 1, #g, 2 do info[g[i]] = g[i + 1] end
        if info['name'] == ARGV[1] then
          if not info['lag'] then return -1 end
          return info['lag']
        end
      end
      return -1
      """);

  // One script so no entry can be delivered between reading the group's position and trimming. Every group of
  // the stream is honoured, not only ours, so another service's group never loses entries either.
  private static final LuaScript TRIM = new LuaScript("""
      if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
      local minMs, minSeq
      for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
        local info = {}
        for i = 1, #g, 2 do info[g[i]] = g[i + 1] end
        local id, bump = info['last-delivered-id'], 1
        local pending = redis.call('XPENDING', KEYS[1], info['name'])
        if tonumber(pending[1]) > 0 then id, bump = pending[2], 0 end
        local ms, seq = string.match(id, '^(%d+)-(%d+)$')
        ms, seq = tonumber(ms), tonumber(seq) + bump
        if minMs == nil or ms < minMs or (ms == minMs and seq < minSeq) then minMs, minSeq = ms, seq end
      end
      if minMs == nil then return 0 end
      return redis.call('XTRIM', KEYS[1], 'MINID', string.format('%d-%d', minMs, minSeq))
      """);

  private final Redis pool;
  private final Redis reader;
  private final String stream;
  private final String deadStream;
  private final String group;
  private final String consumer;
  /** The reader's one connection, leased again after it failed or closed. */
  private final OrderedConnection readerConnection;

  /**
   * @param pool     pooled client for everything but the blocking read; shared, not closed by this queue
   * @param reader   client whose one connection carries the blocking XREADGROUP; owned and closed by this queue
   * @param redis    the key prefix
   * @param ingest   stream, dead stream and group names (relative to the prefix)
   * @param consumer this node's consumer name in the group
   */
  public RedisStreamQueue(Redis pool, Redis reader, RedisConfig redis, IngestConfig ingest, String consumer) {
    this.pool = pool;
    this.reader = reader;
    this.readerConnection = new OrderedConnection(reader, c -> Future.succeededFuture());
    this.stream = redis.keyPrefix() + ingest.stream();
    this.deadStream = redis.keyPrefix() + ingest.deadStream();
    this.group = ingest.group();
    this.consumer = consumer;
  }

  /**
   * A queue whose reader is a one-connection client made from {@code options}, once its group exists.
   */
  public static Future<RedisStreamQueue> create(Vertx vertx, Redis pool, RedisOptions options, RedisConfig redis,
                                                IngestConfig ingest, String consumer) {
    Redis reader = Redis.createClient(vertx, new RedisOptions(options).setMaxPoolSize(1).setMaxPoolWaiting(8));
    RedisStreamQueue queue = new RedisStreamQueue(pool, reader, redis, ingest, consumer);
    return queue.ensureGroup().map(queue).onFailure(err -> reader.close());
  }

  /** Creates the consumer group at {@code 0} (and the stream) unless it exists. */
  public Future<Void> ensureGroup() {
    return pool.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(stream).arg(group).arg("0").arg("MKSTREAM"))
        .<Void>mapEmpty()
        .recover(err -> isError(err, "BUSYGROUP") ? Future.succeededFuture() : Future.failedFuture(err));
  }

  @Override
  public Future<String> add(Map<String, String> fields) {
    if (fields.isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("a stream entry needs at least one field"));
    }
    Request req = Request.cmd(Command.XADD).arg(stream).arg("*");
    // Not req::arg: the two-argument Request.arg is (value, charset name).
    fields.forEach((name, value) -> req.arg(name).arg(value));
    return pool.send(req).map(Response::toString);
  }

  @Override
  public Future<List<QueueEntry>> next(int max, long blockMs) {
    Request req = Request.cmd(Command.XREADGROUP).arg("GROUP").arg(group).arg(consumer).arg("COUNT").arg(max);
    if (blockMs > 0) {
      req.arg("BLOCK").arg(blockMs);
    }
    req.arg("STREAMS").arg(stream).arg(">");
    return readerConnection.send(req)
        .map(StreamReplies::readGroup)
        .recover(err -> {
          // The stream was deleted (or Redis restarted empty): recreate the group for the next call.
          Future<Void> repair = isError(err, "NOGROUP") ? ensureGroup() : Future.succeededFuture();
          return repair.transform(ignored -> Future.failedFuture(err));
        });
  }

  @Override
  public Future<List<QueueEntry>> claimStale(long idleMs, int max) {
    return autoClaim(idleMs, max, "0-0", new ArrayList<>())
        .compose(claimed -> REMOVE_EMPTIED_CONSUMERS
            .run(pool, List.of(stream), List.of(group, consumer, idleMs))
            .map(claimed));
  }

  private Future<List<QueueEntry>> autoClaim(long idleMs, int max, String cursor, List<QueueEntry> acc) {
    Request req = Request.cmd(Command.XAUTOCLAIM).arg(stream).arg(group).arg(consumer).arg(idleMs).arg(cursor)
        .arg("COUNT").arg(max - acc.size());
    return pool.send(req).compose(reply -> {
      acc.addAll(StreamReplies.claimed(reply));
      String next = StreamReplies.claimCursor(reply);
      // Redis 6.2 claims deleted entries as nil and keeps them pending forever: acknowledge them away.
      List<String> deleted = StreamReplies.deletedIds(reply.get(1));
      Future<Void> cleaned = deleted.isEmpty() ? Future.succeededFuture() : ack(deleted);
      if ("0-0".equals(next) || acc.size() >= max) {
        return cleaned.map(acc);
      }
      return cleaned.compose(v -> autoClaim(idleMs, max, next, acc));
    });
  }

  @Override
  public Future<Void> ack(List<String> ids) {
    Request req = Request.cmd(Command.XACK).arg(stream).arg(group);
    ids.forEach(req::arg);
    return pool.send(req).mapEmpty();
  }

  @Override
  public Future<Void> deadLetter(QueueEntry entry, String reason, int attempts) {
    List<Object> args = new ArrayList<>(List.of(group, entry.id(), reason, attempts));
    entry.fields().forEach((k, v) -> {
      args.add(k);
      args.add(v);
    });
    return DEAD_LETTER.run(pool, List.of(stream, deadStream), args).mapEmpty();
  }

  @Override
  public Future<List<DeadLetter>> deadLetters(int max) {
    return pool.send(Request.cmd(Command.XRANGE).arg(deadStream).arg("-").arg("+").arg("COUNT").arg(max))
        .map(reply -> StreamReplies.entries(reply).stream().map(RedisStreamQueue::toDeadLetter).toList());
  }

  private static DeadLetter toDeadLetter(QueueEntry e) {
    Map<String, String> fields = new HashMap<>(e.fields());
    String reason = fields.remove(REASON);
    String entryId = fields.remove(ENTRY_ID);
    String attempts = fields.remove(ATTEMPTS);
    return new DeadLetter(e.id(), entryId, reason, attempts == null ? 0 : Integer.parseInt(attempts), fields);
  }

  @Override
  public Future<String> replay(String deadLetterId) {
    if (deadLetterId == null || !STREAM_ID.matcher(deadLetterId).matches()) {
      return Future.failedFuture(new IllegalArgumentException("no dead letter " + deadLetterId));
    }
    return REPLAY.run(pool, List.of(stream, deadStream), List.of(deadLetterId, REASON, ENTRY_ID, ATTEMPTS))
        // '' rather than a Lua false: under RESP3 false arrives as a boolean, under RESP2 as nil.
        .compose(id -> id == null || id.toString().isEmpty()
            ? Future.failedFuture(new IllegalArgumentException("no dead letter " + deadLetterId))
            : Future.succeededFuture(id.toString()));
  }

  @Override
  public Future<Long> lag() {
    return LAG.run(pool, List.of(stream), List.of(group)).map(Response::toLong);
  }

  @Override
  public Future<Long> pendingCount() {
    return pool.send(Request.cmd(Command.XPENDING).arg(stream).arg(group)).map(r -> r.get(0).toLong());
  }

  /**
   * Trims the stream below the oldest entry any group still needs: its oldest pending entry, or, when none is
   * pending, the entry after its last delivered one. Entries not yet delivered are never trimmed.
   *
   * @return the number of entries removed
   */
  @Override
  public Future<Long> trim() {
    return TRIM.run(pool, List.of(stream), List.of()).map(Response::toLong);
  }

  @Override
  public Future<Void> close() {
    return readerConnection.close().transform(ar -> reader.close());
  }

  private static boolean isError(Throwable err, String code) {
    return err.getMessage() != null && err.getMessage().startsWith(code);
  }
}
