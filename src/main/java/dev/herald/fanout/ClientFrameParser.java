package dev.herald.fanout;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses client frames; never throws, a bad frame becomes {@link ClientFrame.Invalid} saying what is wrong. */
public final class ClientFrameParser {

  /** Most channels one subscribe or unsubscribe frame may list. */
  public static final int MAX_CHANNELS_PER_FRAME = 1000;

  private ClientFrameParser() {
  }

  public static ClientFrame parse(String text) {
    Object value;
    try {
      value = Json.decodeValue(text);
    } catch (DecodeException e) {
      return new ClientFrame.Invalid(ErrorCode.BAD_FRAME, "frame is not valid JSON");
    }
    if (!(value instanceof JsonObject o)) {
      return new ClientFrame.Invalid(ErrorCode.BAD_FRAME, "frame must be a JSON object");
    }
    if (!(o.getValue("op") instanceof String op)) {
      return new ClientFrame.Invalid(ErrorCode.BAD_FRAME, "frame needs a string op");
    }
    return switch (op) {
      case "subscribe" -> subscribe(o);
      case "unsubscribe" -> {
        Object channels = channels(o);
        yield channels instanceof ClientFrame.Invalid i ? i : new ClientFrame.Unsubscribe(cast(channels));
      }
      case "ping" -> new ClientFrame.Ping();
      case "refresh" -> o.getValue("token") instanceof String t && !t.isEmpty() ? new ClientFrame.Refresh(t)
          : new ClientFrame.Invalid(ErrorCode.BAD_FRAME, "refresh needs a string token");
      default -> new ClientFrame.Invalid(ErrorCode.UNKNOWN_OP, "unknown op");
    };
  }

  private static ClientFrame subscribe(JsonObject o) {
    Object channels = channels(o);
    if (channels instanceof ClientFrame.Invalid i) {
      return i;
    }
    Map<String, String> since = new LinkedHashMap<>();
    Object rawSince = o.getValue("since");
    if (rawSince != null) {
      if (!(rawSince instanceof JsonObject s)) {
        return new ClientFrame.Invalid(ErrorCode.BAD_FRAME, "since must be an object of channel to message id");
      }
      for (Map.Entry<String, Object> e : s) {
        if (!(e.getValue() instanceof String id)) {
          return new ClientFrame.Invalid(ErrorCode.BAD_FRAME, "since values must be message id strings");
        }
        since.put(e.getKey(), id);
      }
    }
    Object token = o.getValue("token");
    if (token != null && !(token instanceof String)) {
      return new ClientFrame.Invalid(ErrorCode.BAD_FRAME, "token must be a string");
    }
    return new ClientFrame.Subscribe(cast(channels), since, (String) token);
  }

  private static Object channels(JsonObject o) {
    if (!(o.getValue("channels") instanceof JsonArray a) || a.isEmpty()) {
      return new ClientFrame.Invalid(ErrorCode.BAD_FRAME, "channels must be a non-empty list of channel names");
    }
    if (a.size() > MAX_CHANNELS_PER_FRAME) {
      return new ClientFrame.Invalid(ErrorCode.TOO_MANY_CHANNELS, "too many channels in one frame");
    }
    List<String> out = new ArrayList<>(a.size());
    for (Object c : a) {
      if (!(c instanceof String s)) {
        return new ClientFrame.Invalid(ErrorCode.BAD_FRAME, "channels must be strings");
      }
      out.add(s);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<String> cast(Object o) {
    return (List<String>) o;
  }
}
