package dev.herald.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.message.Channel;
import dev.herald.message.MessageId;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The connect frames written out directly are the bytes JsonObject would have encoded. */
class ServerFramesTest {

  @Test
  void helloIsWhatJsonObjectEncodes() {
    for (String client : new String[] {"node-1-a3", "n\u00e9e-1", "quote\"d", "back\\slash", "tab\there"}) {
      assertThat(ServerFrames.hello(client, 25_000).toString()).isEqualTo(new JsonObject().put("op", "hello")
          .put("version", 1).put("client", client).put("heartbeatMs", 25_000L).encode());
    }
  }

  @Test
  void subscribedIsWhatJsonObjectEncodes() {
    Channel channel = Channel.parse("thread:a.b@c-d_1");
    for (MessageId position : new MessageId[] {null, new MessageId("e1", 42)}) {
      for (boolean recovered : new boolean[] {true, false}) {
        assertThat(ServerFrames.subscribed(channel, position, recovered).toString()).isEqualTo(new JsonObject()
            .put("op", "subscribed").put("channel", channel.toString())
            .put("position", position == null ? null : position.toString()).put("recovered", recovered).encode());
      }
    }
  }
}
