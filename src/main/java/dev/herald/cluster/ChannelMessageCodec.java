package dev.herald.cluster;

import dev.herald.message.Channel;
import dev.herald.message.ChannelMessage;
import dev.herald.message.MessageId;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;

/**
 * Carries a {@link ChannelMessage} between nodes as {@code [accepted-at][channel][id][frame]}, and hands the same
 * immutable instance to local consumers ({@link #transform} copies nothing), so a message is decoded at most once
 * per node.
 */
public final class ChannelMessageCodec implements MessageCodec<ChannelMessage, ChannelMessage> {

  public static final String NAME = "herald.channel-message";

  @Override
  public void encodeToWire(Buffer buffer, ChannelMessage m) {
    buffer.appendLong(m.acceptedAtMillis());
    appendString(buffer, m.channel().toString());
    appendString(buffer, m.id().toString());
    buffer.appendInt(m.frame().length()).appendBuffer(m.frame());
  }

  @Override
  public ChannelMessage decodeFromWire(int pos, Buffer buffer) {
    long accepted = buffer.getLong(pos);
    pos += 8;
    int len = buffer.getInt(pos);
    String channel = buffer.getString(pos + 4, pos + 4 + len, "US-ASCII");
    pos += 4 + len;
    len = buffer.getInt(pos);
    String id = buffer.getString(pos + 4, pos + 4 + len, "US-ASCII");
    pos += 4 + len;
    len = buffer.getInt(pos);
    Buffer frame = buffer.getBuffer(pos + 4, pos + 4 + len);
    return new ChannelMessage(Channel.parse(channel),
        MessageId.parse(id).orElseThrow(() -> new IllegalArgumentException("bad message id on the wire")), frame,
        accepted);
  }

  @Override
  public ChannelMessage transform(ChannelMessage m) {
    return m;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }

  private static void appendString(Buffer buffer, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    buffer.appendInt(b.length).appendBytes(b);
  }
}
