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

  public static Buffer hello(String clientId, long heartbeatMs) {
    return new JsonObject().put("op", "hello").put("version", 1).put("client", clientId)
        .put("heartbeatMs", heartbeatMs).toBuffer();
  }

  public static Buffer subscribed(Channel channel, MessageId position, boolean recovered) {
    return new JsonObject().put("op", "subscribed").put("channel", channel.toString())
        .put("position", position == null ? null : position.toString()).put("recovered", recovered).toBuffer();
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
