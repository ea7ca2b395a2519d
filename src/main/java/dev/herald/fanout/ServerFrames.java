package dev.herald.fanout;

import dev.herald.message.Channel;
import dev.herald.message.MessageId;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** Builds the server's control frames (everything but {@code message}, which is encoded once per channel). */
public final class ServerFrames {

  private static final Buffer PONG = Buffer.buffer("{\"op\":\"pong\"}");

  private ServerFrames() {
  }

  // hello and subscribed are sent on every connect: their text is written out directly rather than through a
  // JsonObject and Jackson, which cost more than the rest of the frame's path. Same bytes as JsonObject's encoding;
  // a value that would need escaping takes the JsonObject path.

  public static Buffer hello(String clientId, long heartbeatMs) {
    if (!plain(clientId)) {
      return new JsonObject().put("op", "hello").put("version", 1).put("client", clientId)
          .put("heartbeatMs", heartbeatMs).toBuffer();
    }
    return Buffer.buffer("{\"op\":\"hello\",\"version\":1,\"client\":\"" + clientId + "\",\"heartbeatMs\":"
        + heartbeatMs + "}");
  }

  public static Buffer subscribed(Channel channel, MessageId position, boolean recovered) {
    String name = channel.toString();
    String at = position == null ? null : position.toString();
    if (!plain(name) || (at != null && !plain(at))) {
      return new JsonObject().put("op", "subscribed").put("channel", name).put("position", at)
          .put("recovered", recovered).toBuffer();
    }
    return Buffer.buffer("{\"op\":\"subscribed\",\"channel\":\"" + name + "\",\"position\":"
        + (at == null ? "null" : "\"" + at + "\"") + ",\"recovered\":" + recovered + "}");
  }

  /** Printable ASCII that JSON writes as is: no quote, backslash or control character. */
  static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  public static Buffer unsubscribed(Channel channel) {
    return new JsonObject().put("op", "unsubscribed").put("channel", channel.toString()).toBuffer();
  }

  public static Buffer pong() {
    return PONG;
  }

  /** An error frame; {@code channel} may be null. */
  public static Buffer error(ErrorCode code, String reason, String channel) {
    JsonObject o = new JsonObject().put("op", "error").put("code", code.wire()).put("reason", reason);
    if (channel != null) {
      o.put("channel", channel);
    }
    return o.toBuffer();
  }

  public static Buffer disconnect(CloseReason reason, long retryAfterMs, Map<Channel, MessageId> positions) {
    JsonObject pos = new JsonObject();
    positions.forEach((c, id) -> pos.put(c.toString(), id.toString()));
    JsonObject o = new JsonObject().put("op", "disconnect").put("code", reason.code()).put("reason", reason.reason());
    if (reason.retry()) {
      o.put("retryAfterMs", retryAfterMs);
    }
    return o.put("positions", pos).toBuffer();
  }
}
