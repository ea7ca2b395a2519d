package dev.herald.transport.sse;

import dev.herald.message.ChannelMessage;
import dev.herald.transport.ResumeToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;

/**
 * A Server-Sent Events stream as the bytes that go on the wire: the response head, then each event as one HTTP/1.1
 * chunk ({@code <size in hex>\r\n<event>\r\n}). A message's event is {@code id: <resume token>}, {@code event:
 * message} and {@code data: <its shared frame>}. On a stream of one channel the token depends on the message
 * only, so the whole chunk is encoded once per message and event loop and every such stream writes a retained view
 * of it, as {@code /ws} does; a stream of several channels writes a small prefix of its own (size, id line) in
 * front of the shared rest.
 */
final class SseChunks {

  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] EVENT_DATA = "\nevent: message\ndata: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LAST = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NONE = {};

  /** The last message encoded on this event loop: fan-out writes one message to many streams in a row. */
  private static final FastThreadLocal<Shared> SHARED = new FastThreadLocal<>() {
    @Override
    protected Shared initialValue() {
      return new Shared();
    }
  };

  private SseChunks() {
  }

  /** {@code HTTP/1.1 200 OK} and the response's headers, as set on it by the router's handlers and the transport. */
  static ByteBuf head(ByteBufAllocator alloc, MultiMap headers) {
    StringBuilder b = new StringBuilder(256).append("HTTP/1.1 200 OK\r\n");
    for (Entry<String, String> h : headers) {
      b.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
    }
    b.append("\r\n");
    return ByteBufUtil.writeAscii(alloc, b);
  }

  /** The message's event on a stream of its channel only, shared; the caller owns the returned view. */
  static ByteBuf message(ChannelMessage message) {
    Shared s = shared(message);
    if (s.whole == null) {
      // With one channel the token is the message's position: the same for every such stream.
      byte[] id = idLine(ResumeToken.encode(List.of(message.channel()), Map.of(message.channel(), message.id())));
      s.whole = chunk(ByteBufAllocator.DEFAULT, id, frame(message), END);
    }
    return s.whole.retainedDuplicate();
  }

  /** The message's event on a stream of several channels, whose resume token is {@code token}. */
  static ByteBuf message(ByteBufAllocator alloc, ChannelMessage message, String token) {
    Shared s = shared(message);
    if (s.rest == null) {
      ByteBuf frame = frame(message);
      s.rest = ByteBufAllocator.DEFAULT.directBuffer(frame.readableBytes() + END.length + CRLF.length)
          .writeBytes(frame, frame.readerIndex(), frame.readableBytes()).writeBytes(END).writeBytes(CRLF);
    }
    byte[] id = idLine(token);
    ByteBuf prefix = alloc.directBuffer(10 + id.length);
    writeSize(prefix, id.length + s.rest.readableBytes() - CRLF.length);
    prefix.writeBytes(id);
    return alloc.compositeDirectBuffer(2).addComponents(true, prefix, s.rest.retainedDuplicate());
  }

  /** A control frame as {@code event: <op>} with the frame JSON as data, and no id. */
  static ByteBuf control(ByteBufAllocator alloc, String op, Buffer frame) {
    return chunk(alloc, ("event: " + op + "\ndata: ").getBytes(StandardCharsets.UTF_8),
        ((BufferInternal) frame).getByteBuf(), END);
  }

  /** A comment line ({@code text} starts with ':'), such as a heartbeat. */
  static ByteBuf comment(ByteBufAllocator alloc, String text) {
    return chunk(alloc, (text + "\n\n").getBytes(StandardCharsets.UTF_8), Unpooled.EMPTY_BUFFER, NONE);
  }

  /** The chunk that ends the response. */
  static ByteBuf last(ByteBufAllocator alloc) {
    return alloc.directBuffer(LAST.length).writeBytes(LAST);
  }

  private static ByteBuf frame(ChannelMessage message) {
    return ((BufferInternal) message.frame()).getByteBuf();
  }

  private static byte[] idLine(String token) {
    byte[] id = new byte[4 + token.length() + EVENT_DATA.length];
    "id: ".getBytes(0, 4, id, 0);
    token.getBytes(0, token.length(), id, 4); // base64url: ASCII only
    System.arraycopy(EVENT_DATA, 0, id, 4 + token.length(), EVENT_DATA.length);
    return id;
  }

  /** One chunk of {@code before}, {@code body} and {@code after}. */
  private static ByteBuf chunk(ByteBufAllocator alloc, byte[] before, ByteBuf body, byte[] after) {
    int size = before.length + body.readableBytes() + after.length;
    ByteBuf b = alloc.directBuffer(10 + size + CRLF.length);
    writeSize(b, size);
    return b.writeBytes(before).writeBytes(body, body.readerIndex(), body.readableBytes()).writeBytes(after)
        .writeBytes(CRLF);
  }

  private static void writeSize(ByteBuf b, int size) {
    b.writeCharSequence(Integer.toHexString(size), StandardCharsets.US_ASCII);
    b.writeBytes(CRLF);
  }

  private static Shared shared(ChannelMessage message) {
    Shared s = SHARED.get();
    if (s.message != message) {
      s.release();
      s.message = message;
    }
    return s;
  }

  private static final class Shared {
    ChannelMessage message;
    /** The whole chunk, for streams of one channel. */
    ByteBuf whole;
    /** The frame, the event's end and the chunk's end, for streams of several channels. */
    ByteBuf rest;

    void release() {
      if (whole != null) {
        whole.release();
        whole = null;
      }
      if (rest != null) {
        rest.release();
        rest = null;
      }
    }
  }
}
