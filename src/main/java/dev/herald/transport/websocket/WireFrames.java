package dev.herald.transport.websocket;

import dev.herald.message.ChannelMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;

/**
 * Server-to-client WebSocket frames as the bytes that go on the wire (RFC 6455 §5.2). A server frame is not masked,
 * so a message's frame is the same bytes for every subscriber: it is encoded once per message and event loop into
 * one direct buffer, and each socket writes a retained view of it (no per-subscriber copy, not even the heap to
 * direct copy Netty makes for heap buffers).
 */
final class WireFrames {

  static final int TEXT = 0x1;
  static final int CLOSE = 0x8;
  static final int PING = 0x9;
  static final int PONG = 0xA;

  /** The last message framed on this event loop: fan-out writes one message to many sockets in a row. */
  private static final FastThreadLocal<Shared> SHARED = new FastThreadLocal<>() {
    @Override
    protected Shared initialValue() {
      return new Shared();
    }
  };

  private WireFrames() {
  }

  /** The message's text frame, shared by every socket of this event loop; the caller owns the returned view. */
  static ByteBuf message(ChannelMessage message) {
    Shared s = SHARED.get();
    if (s.message != message) {
      ByteBuf wire = frame(ByteBufAllocator.DEFAULT, TEXT, message.frame());
      if (s.wire != null) {
        s.wire.release();
      }
      s.wire = wire;
      s.message = message;
    }
    return s.wire.retainedDuplicate();
  }

  /** A text frame of its own (control frames of the protocol: hello, subscribed, error...). */
  static ByteBuf text(ByteBufAllocator alloc, Buffer utf8) {
    return frame(alloc, TEXT, utf8);
  }

  static ByteBuf ping(ByteBufAllocator alloc) {
    return header(alloc, PING, 0);
  }

  /** A pong carrying the ping's application data, as RFC 6455 §5.5.3 asks. */
  static ByteBuf pong(ByteBufAllocator alloc, ByteBuf pingData) {
    ByteBuf b = header(alloc, PONG, pingData.readableBytes());
    return b.writeBytes(pingData, pingData.readerIndex(), pingData.readableBytes());
  }

  /** A close frame with a status and a reason (cut to the 123 bytes a control frame leaves for it). */
  static ByteBuf close(ByteBufAllocator alloc, int status, String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    int length = Math.min(text.length, 123);
    ByteBuf b = header(alloc, CLOSE, 2 + length);
    return b.writeShort(status).writeBytes(text, 0, length);
  }

  private static ByteBuf frame(ByteBufAllocator alloc, int opcode, Buffer payload) {
    ByteBuf data = ((BufferInternal) payload).getByteBuf();
    ByteBuf b = header(alloc, opcode, data.readableBytes());
    return b.writeBytes(data, data.readerIndex(), data.readableBytes());
  }

  /** A buffer holding the header of a final, unmasked frame, with room for its payload. */
  private static ByteBuf header(ByteBufAllocator alloc, int opcode, int length) {
    int headerLength = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    ByteBuf b = alloc.directBuffer(headerLength + length);
    b.writeByte(0x80 | opcode);
    if (length < 126) {
      b.writeByte(length);
    } else if (length <= 0xFFFF) {
      b.writeByte(126).writeShort(length);
    } else {
      b.writeByte(127).writeLong(length);
    }
    return b;
  }

  private static final class Shared {
    ChannelMessage message;
    ByteBuf wire;
  }
}
