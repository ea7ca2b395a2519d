package dev.herald.transport;

import dev.herald.message.Channel;
import dev.herald.message.MessageId;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resume token of the SSE and long-poll transports: opaque to clients, URL-safe, one position per channel of
 * the connection. Inside it is base64url (no padding) of {@code channel=id} pairs joined by commas; a channel
 * the client has nothing of yet is written {@code channel=} and resumes from the start of what the history holds
 * (so a first message published between two requests is not lost).
 */
public final class ResumeToken {

  /**
   * The {@code since} given for a channel with no position: an epoch no history issues, so the history answers
   * "not recovered" with everything it holds.
   */
  public static final String FROM_START = "0-0";

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  private static final int MAX_LENGTH = 16_384;

  private ResumeToken() {
  }

  /** The token for {@code channels} at {@code positions} (channels missing from it have no position yet). */
  public static String encode(List<Channel> channels, Map<Channel, MessageId> positions) {
    return encode(channels, positions, Map.of());
  }

  /**
   * As {@link #encode(List, Map)}, but a channel without a position keeps the {@code since} the connection was
   * opened with (its first history read may not have completed yet).
   */
  public static String encode(List<Channel> channels, Map<Channel, MessageId> positions, Map<String, String> since) {
    StringBuilder b = new StringBuilder();
    for (Channel c : channels) {
      if (b.length() > 0) {
        b.append(',');
      }
      MessageId id = positions.get(c);
      String text = id != null ? id.toString() : since.getOrDefault(c.toString(), "");
      b.append(c).append('=').append(FROM_START.equals(text) ? "" : text);
    }
    return ENCODER.encodeToString(b.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The {@code since} of each channel in the token (raw channel name to message id text), in token order;
   * empty for a null, blank, oversize or malformed token. Never throws.
   */
  public static Map<String, String> decode(String token) {
    Map<String, String> since = new LinkedHashMap<>();
    if (token == null || token.isBlank() || token.length() > MAX_LENGTH) {
      return since;
    }
    String text;
    try {
      text = new String(DECODER.decode(token.trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return since;
    }
    for (String pair : text.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        return new LinkedHashMap<>();
      }
      String channel = pair.substring(0, eq);
      String id = pair.substring(eq + 1);
      if (!validChannel(channel) || (!id.isEmpty() && MessageId.parse(id).isEmpty())) {
        return new LinkedHashMap<>();
      }
      since.put(channel, id.isEmpty() ? FROM_START : id);
    }
    return since;
  }

  private static boolean validChannel(String name) {
    try {
      Channel.parse(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
