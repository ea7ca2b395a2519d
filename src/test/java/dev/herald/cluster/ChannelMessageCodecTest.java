package dev.herald.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.message.Channel;
import dev.herald.message.ChannelMessage;
import dev.herald.message.MessageId;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class ChannelMessageCodecTest {

  private final ChannelMessageCodec codec = new ChannelMessageCodec();

  @Test
  void roundTripsOverTheWireAndSharesLocally() {
    ChannelMessage m = new ChannelMessage(Channel.parse("thread:1"), new MessageId("ep0ch", 9),
        Buffer.buffer("{\"op\":\"message\",\"x\":\"ü\"}"), 1234L);
    Buffer wire = Buffer.buffer("prefix");
    codec.encodeToWire(wire, m);
    ChannelMessage back = codec.decodeFromWire(6, wire);
    assertThat(back.channel()).isEqualTo(m.channel());
    assertThat(back.id()).isEqualTo(m.id());
    assertThat(back.frame()).isEqualTo(m.frame());
    assertThat(back.acceptedAtMillis()).isEqualTo(1234L);
    assertThat(codec.transform(m)).isSameAs(m);
  }
}
