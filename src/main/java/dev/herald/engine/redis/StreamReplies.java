package dev.herald.engine.redis;

import dev.herald.engine.QueueEntry;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads stream replies in both protocol shapes: RESP3 (the client's default) answers XREADGROUP with a map
 * {@code {stream: entries}}, RESP2 with an array {@code [[stream, entries]]}; XAUTOCLAIM has three elements on
 * Redis 7 and two on 6.2. Entries whose fields are nil (deleted while pending) are skipped.
 */
final class StreamReplies {

  private StreamReplies() {
  }

  /** The entries of an XREADGROUP reply for one stream; nil (timed out) is an empty list. */
  static List<QueueEntry> readGroup(Response reply) {
    if (reply == null) {
      return List.of();
    }
    if (reply.isMap()) {
      List<QueueEntry> out = new ArrayList<>();
      for (String stream : reply.getKeys()) {
        out.addAll(entries(reply.get(stream)));
      }
      return out;
    }
    List<QueueEntry> out = new ArrayList<>();
    for (Response streamAndEntries : reply) {
      out.addAll(entries(streamAndEntries.get(1)));
    }
    return out;
  }

  /** The next cursor of an XAUTOCLAIM reply (both the 6.2 and the 7 shape start with it). */
  static String claimCursor(Response reply) {
    return reply.get(0).toString();
  }

  /** The claimed entries of an XAUTOCLAIM reply. */
  static List<QueueEntry> claimed(Response reply) {
    return entries(reply.get(1));
  }

  /** Entries of an XRANGE-shaped array {@code [[id, [field, value, …]], …]}, skipping deleted ones. */
  static List<QueueEntry> entries(Response array) {
    List<QueueEntry> out = new ArrayList<>();
    if (array == null) {
      return out;
    }
    for (Response entry : array) {
      if (entry == null || entry.size() < 2 || entry.get(1) == null) {
        continue;
      }
      String id = entry.get(0).toString();
      out.add(new QueueEntry(id, fields(entry.get(1)), millisOf(id)));
    }
    return out;
  }

  /** Ids of the entries of an XRANGE-shaped array whose fields are nil: deleted after they were delivered. */
  static List<String> deletedIds(Response array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      for (Response entry : array) {
        if (entry != null && entry.size() >= 1 && (entry.size() < 2 || entry.get(1) == null)) {
          out.add(entry.get(0).toString());
        }
      }
    }
    return out;
  }

  /** A field list, flat {@code [f, v, f, v]} or (should a server send one) a map; a repeated field keeps the last value. */
  static Map<String, String> fields(Response fields) {
    Map<String, String> out = new LinkedHashMap<>();
    if (fields.isMap()) {
      for (String k : fields.getKeys()) {
        out.put(k, fields.get(k).toString());
      }
      return out;
    }
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      out.put(fields.get(i).toString(), fields.get(i + 1).toString());
    }
    return out;
  }

  /** The millisecond part of a stream entry id {@code <ms>-<seq>}. */
  static long millisOf(String entryId) {
    int dash = entryId.indexOf('-');
    return Long.parseLong(dash < 0 ? entryId : entryId.substring(0, dash));
  }
}
