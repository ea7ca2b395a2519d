package dev.herald.transport.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.message.Channel;
import dev.herald.message.ChannelMessage;
import dev.herald.message.MessageId;
import dev.herald.transport.ResumeToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseChunksTest {

  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
  private static final Channel THREAD = Channel.parse("thread:1");

  @ParameterizedTest
  @ValueSource(ints = {0, 10, 300, 70_000})
  void aMessageOnAStreamOfOneChannelIsOneChunkWithTheMessagesPositionAsItsId(int size) {
    ChannelMessage m = message(size);
    ByteBuf chunk = SseChunks.message(m);
    try {
      String token = ResumeToken.encode(List.of(THREAD), Map.of(THREAD, m.id()));
      assertThat(payloadOf(chunk)).isEqualTo("id: " + token + "\nevent: message\ndata: " + m.frame() + "\n\n");
    } finally {
      chunk.release();
    }
  }

  @Test
  void aMessageOnAStreamOfSeveralChannelsIsOneChunkWithTheStreamsOwnToken() {
    ChannelMessage m = message(300);
    ByteBuf chunk = SseChunks.message(ALLOC, m, "some-token");
    try {
      assertThat(payloadOf(chunk)).isEqualTo("id: some-token\nevent: message\ndata: " + m.frame() + "\n\n");
    } finally {
      chunk.release();
    }
  }

  @Test
  void oneMessageIsEncodedOnceForEveryStreamAndFreedWhenTheNextOneComes() {
    ChannelMessage m = message(20);
    ByteBuf a = SseChunks.message(m);
    ByteBuf b = SseChunks.message(m);
    assertThat(a.unwrap()).as("same bytes for every stream of one channel").isSameAs(b.unwrap());
    ByteBuf c = SseChunks.message(ALLOC, m, "t1");
    ByteBuf d = SseChunks.message(ALLOC, m, "t2");
    a.release();
    b.release();
    c.release();
    d.release();
    ByteBuf next = SseChunks.message(message(30));
    assertThat(a.refCnt()).as("the previous message's chunk is freed once it is no longer the latest").isZero();
    next.release();
  }

  @Test
  void controlFramesCommentsAndTheLastChunk() {
    ByteBuf control = SseChunks.control(ALLOC, "subscribed", Buffer.buffer("{\"op\":\"subscribed\"}"));
    ByteBuf comment = SseChunks.comment(ALLOC, ": hb");
    ByteBuf last = SseChunks.last(ALLOC);
    try {
      assertThat(payloadOf(control)).isEqualTo("event: subscribed\ndata: {\"op\":\"subscribed\"}\n\n");
      assertThat(payloadOf(comment)).isEqualTo(": hb\n\n");
      assertThat(last.toString(StandardCharsets.US_ASCII)).isEqualTo("0\r\n\r\n");
    } finally {
      control.release();
      comment.release();
      last.release();
    }
  }

  @Test
  void theHeadCarriesTheResponsesHeaders() {
    ByteBuf head = SseChunks.head(ALLOC, MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", "text/event-stream").add("Transfer-Encoding", "chunked"));
    try {
      assertThat(head.toString(StandardCharsets.US_ASCII)).isEqualTo(
          "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
    } finally {
      head.release();
    }
  }

  /** The payload of exactly one chunk: its hex size line, that many bytes, CRLF, and nothing else. */
  private static String payloadOf(ByteBuf chunk) {
    String wire = chunk.toString(StandardCharsets.UTF_8);
    int eol = wire.indexOf("\r\n");
    assertThat(eol).as("size line").isPositive();
    int size = Integer.parseInt(wire.substring(0, eol), 16);
    assertThat(chunk.readableBytes()).as("size line, payload and CRLF").isEqualTo(eol + 2 + size + 2);
    assertThat(wire).endsWith("\r\n");
    return wire.substring(eol + 2, wire.length() - 2);
  }

  private static ChannelMessage message(int size) {
    String json = "{\"op\":\"message\",\"channel\":\"thread:1\",\"data\":\"" + "x".repeat(size) + "\"}";
    return new ChannelMessage(THREAD, new MessageId("e", size + 1), Buffer.buffer(json), 0);
  }
}
