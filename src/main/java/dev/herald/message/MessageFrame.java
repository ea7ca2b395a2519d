package dev.herald.message;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Builds the client's {@code message} frame around a body that was encoded once:
 * {@code {"op":"message","channel":"<channel>","id":"<id>",<body>}}. Channel names and ids contain no character
 * that JSON would escape, so they are written as they are.
 */
public final class MessageFrame {

  private static final byte[] HEAD = "{\"op\":\"message\",\"channel\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ID = "\",\"id\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BODY = "\",".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TAIL = "}".getBytes(StandardCharsets.US_ASCII);

  private MessageFrame() {
  }

  public static Buffer encode(Channel channel, MessageId id, Buffer body) {
    byte[] ch = channel.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] mid = id.toString().getBytes(StandardCharsets.US_ASCII);
    Buffer frame = Buffer.buffer(HEAD.length + ch.length + ID.length + mid.length + BODY.length + body.length() + 1);
    return frame.appendBytes(HEAD).appendBytes(ch).appendBytes(ID).appendBytes(mid).appendBytes(BODY)
        .appendBuffer(body).appendBytes(TAIL);
  }
}
