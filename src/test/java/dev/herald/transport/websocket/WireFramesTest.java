package dev.herald.transport.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.message.Channel;
import dev.herald.message.ChannelMessage;
import dev.herald.message.MessageId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireFramesTest {

  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 125, 126, 127, 65_535, 65_536, 200_000})
  void textFrameHasTheRfc6455LengthEncodingAndThePayloadUnmasked(int size) {
    byte[] payload = new byte[size];
    for (int i = 0; i < size; i++) {
      payload[i] = (byte) ('a' + i % 26);
    }
    ByteBuf frame = WireFrames.text(ALLOC, Buffer.buffer(payload));
    try {
      assertThat(frame.getUnsignedByte(0)).isEqualTo((short) 0x81);
      int second = frame.getUnsignedByte(1);
      assertThat(second & 0x80).as("server frames are not masked").isZero();
      int header;
      long length;
      if (size < 126) {
        header = 2;
        length = second;
      } else if (size <= 0xFFFF) {
        header = 4;
        assertThat(second).isEqualTo(126);
        length = frame.getUnsignedShort(2);
      } else {
        header = 10;
        assertThat(second).isEqualTo(127);
        length = frame.getLong(2);
      }
      assertThat(length).isEqualTo(size);
      assertThat(frame.readableBytes()).isEqualTo(header + size);
      byte[] body = new byte[size];
      frame.getBytes(header, body);
      assertThat(body).isEqualTo(payload);
    } finally {
      frame.release();
    }
  }

  @Test
  void oneMessageIsEncodedOnceAndEachViewIsReleasedAlone() {
    ChannelMessage m = message("{\"op\":\"message\",\"data\":1}");
    ByteBuf a = WireFrames.message(m);
    ByteBuf b = WireFrames.message(m);
    assertThat(a.unwrap()).as("same bytes for every socket").isSameAs(b.unwrap());
    int shared = a.refCnt();
    a.release();
    assertThat(b.refCnt()).isEqualTo(shared - 1);
    b.release();
    ByteBuf other = WireFrames.message(message("{\"op\":\"message\",\"data\":2}"));
    assertThat(other.toString(StandardCharsets.UTF_8)).endsWith("\"data\":2}");
    assertThat(a.refCnt()).as("the previous message's frame is freed once it is no longer the latest").isZero();
    other.release();
  }

  @Test
  void closeFrameCarriesStatusAndAReasonCutToFit() {
    ByteBuf frame = WireFrames.close(ALLOC, 1008, "x".repeat(500));
    try {
      assertThat(frame.getUnsignedByte(0)).isEqualTo((short) 0x88);
      assertThat(frame.getUnsignedByte(1)).as("control frames carry at most 125 bytes").isEqualTo((short) 125);
      assertThat(frame.getUnsignedShort(2)).isEqualTo(1008);
    } finally {
      frame.release();
    }
  }

  private static ChannelMessage message(String json) {
    return new ChannelMessage(Channel.parse("thread:1"), new MessageId("e", 1), Buffer.buffer(json), 0);
  }
}
