package dev.herald.ingest;

import dev.herald.message.Channel;
import dev.herald.message.IngestItem;
import dev.herald.message.Post;
import dev.herald.message.Publish;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses the public ingest contract, {@code post <json>} or {@code publish <json>}, into a value or a rejection
 * naming the field. Used for stream entries and HTTP bodies alike, so both reject the same inputs the same way.
 * Never throws on bad input. Stateless and thread-safe.
 */
public final class EntryParser {

  /** Field of a stream entry that holds a post. */
  public static final String POST = "post";
  /** Field of a stream entry that holds a publish. */
  public static final String PUBLISH = "publish";
  /** Most channels one publish may address. */
  public static final int MAX_CHANNELS = 100;

  private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
  private static final int MAX_NAME = 200;

  private final int maxBytes;

  /** @param maxBytes the largest JSON document accepted, bytes ({@code limits.maxFrameBytes}) */
  public EntryParser(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Parses a stream entry's fields. */
  public ParsedEntry parse(String entryId, long acceptedAtMillis, Map<String, String> fields) {
    String post = fields.get(POST);
    String publish = fields.get(PUBLISH);
    if (post != null && publish != null) {
      return new ParsedEntry.Rejected("entry has both a post and a publish field", null);
    }
    if (post != null) {
      return parsePost(entryId, acceptedAtMillis, post);
    }
    if (publish != null) {
      return parsePublish(entryId, acceptedAtMillis, publish);
    }
    return new ParsedEntry.Rejected("entry has neither a post nor a publish field", null);
  }

  public ParsedEntry parsePost(String entryId, long acceptedAtMillis, String json) {
    Object parsed = decode(json, POST);
    if (parsed instanceof ParsedEntry.Rejected r) {
      return r;
    }
    JsonObject o = (JsonObject) parsed;
    try {
      JsonObject author = object(o, "author", "post.author");
      String parent = optionalId(o, "parent", "post.parent");
      Post post = new Post(id(o, "id", "post.id"), id(o, "forum", "post.forum"), id(o, "thread", "post.thread"),
          parent, id(author, "id", "post.author.id"), name(author), string(o, "message", "post.message"),
          timestamp(o));
      return new ParsedEntry.Accepted(IngestItem.of(entryId, acceptedAtMillis, post));
    } catch (FieldException e) {
      return new ParsedEntry.Rejected(e.getMessage(), e.field);
    }
  }

  public ParsedEntry parsePublish(String entryId, long acceptedAtMillis, String json) {
    Object parsed = decode(json, PUBLISH);
    if (parsed instanceof ParsedEntry.Rejected r) {
      return r;
    }
    JsonObject o = (JsonObject) parsed;
    try {
      List<Channel> channels = channels(o);
      String type = Publish.DEFAULT_TYPE;
      if (o.containsKey("type")) {
        type = string(o, "type", "publish.type");
        if (!TYPE.matcher(type).matches()) {
          throw new FieldException("publish.type", "must match [A-Za-z0-9_.:-]{1,64}");
        }
      }
      String key = optionalId(o, "id", "publish.id");
      String data = Json.encode(o.getValue("data"));
      return new ParsedEntry.Accepted(IngestItem.of(entryId, acceptedAtMillis, new Publish(channels, type, data, key)));
    } catch (FieldException e) {
      return new ParsedEntry.Rejected(e.getMessage(), e.field);
    }
  }

  private Object decode(String json, String field) {
    if (json.length() > maxBytes) {
      return new ParsedEntry.Rejected(field + " is larger than " + maxBytes + " bytes", field);
    }
    try {
      Object v = Json.decodeValue(json);
      if (v instanceof JsonObject o) {
        return o;
      }
      return new ParsedEntry.Rejected(field + " must be a JSON object", field);
    } catch (DecodeException e) {
      return new ParsedEntry.Rejected(field + " is not valid JSON", field);
    }
  }

  private static List<Channel> channels(JsonObject o) {
    List<String> names = new ArrayList<>();
    if (o.containsKey("channel") && o.containsKey("channels")) {
      throw new FieldException("publish.channels", "give either channel or channels, not both");
    }
    if (o.containsKey("channel")) {
      names.add(string(o, "channel", "publish.channel"));
    } else if (o.getValue("channels") instanceof JsonArray a) {
      if (a.isEmpty() || a.size() > MAX_CHANNELS) {
        throw new FieldException("publish.channels", "must hold 1 to " + MAX_CHANNELS + " channels");
      }
      for (int i = 0; i < a.size(); i++) {
        if (!(a.getValue(i) instanceof String s)) {
          throw new FieldException("publish.channels[" + i + "]", "must be a string");
        }
        names.add(s);
      }
    } else {
      throw new FieldException(o.containsKey("channels") ? "publish.channels" : "publish.channel",
          o.containsKey("channels") ? "must be a list of channel names" : "is required (or channels)");
    }
    LinkedHashSet<Channel> out = new LinkedHashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String field = o.containsKey("channel") ? "publish.channel" : "publish.channels[" + i + "]";
      try {
        out.add(Channel.parse(names.get(i)));
      } catch (IllegalArgumentException e) {
        throw new FieldException(field, e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  private static JsonObject object(JsonObject o, String key, String field) {
    Object v = o.getValue(key);
    if (v instanceof JsonObject j) {
      return j;
    }
    throw new FieldException(field, v == null ? "is required" : "must be an object");
  }

  private static String string(JsonObject o, String key, String field) {
    Object v = o.getValue(key);
    if (v instanceof String s) {
      return s;
    }
    throw new FieldException(field, v == null ? "is required" : "must be a string");
  }

  private static String id(JsonObject o, String key, String field) {
    String s = string(o, key, field);
    if (!Channel.isId(s)) {
      throw new FieldException(field, "must match [A-Za-z0-9_.@-]{1,128}");
    }
    return s;
  }

  private static String optionalId(JsonObject o, String key, String field) {
    return o.getValue(key) == null ? null : id(o, key, field);
  }

  private static String name(JsonObject author) {
    String name = string(author, "name", "post.author.name");
    if (name.isBlank() || name.length() > MAX_NAME) {
      throw new FieldException("post.author.name", "must be 1 to " + MAX_NAME + " characters");
    }
    return name;
  }

  private static String timestamp(JsonObject o) {
    String s = string(o, "createdAt", "post.createdAt");
    try {
      OffsetDateTime.parse(s);
      return s;
    } catch (DateTimeParseException e) {
      throw new FieldException("post.createdAt", "must be an ISO-8601 timestamp such as 2026-11-21T10:00:00Z");
    }
  }

  /** A field that failed validation; control flow inside this parser only. */
  private static final class FieldException extends RuntimeException {
    private final String field;

    FieldException(String field, String what) {
      super(field + " " + what, null, false, false);
      this.field = field;
    }
  }
}
