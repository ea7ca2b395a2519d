package dev.herald.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void channelNamesFollowTheContract() {
    assertThat(Channel.parse("thread:42")).isEqualTo(new Channel("thread", "42"));
    assertThat(Channel.isValid("user:ann@example.com")).isTrue();
    assertThat(Channel.isValid("a:" + "x".repeat(128))).isTrue();
    assertThat(Channel.isValid("a:" + "x".repeat(129))).isFalse();
    assertThat(Channel.isValid("Thread:1")).isFalse();
    assertThat(Channel.isValid("1thread:1")).isFalse();
    assertThat(Channel.isValid("thread:")).isFalse();
    assertThat(Channel.isValid("thread")).isFalse();
    assertThat(Channel.isValid("thread:a b")).isFalse();
    assertThat(Channel.isValid("thread:a:b")).isFalse();
    assertThatThrownBy(() -> Channel.parse(null)).hasMessageContaining("missing");
  }

  @Test
  void messageIdsRoundTripAndRejectGarbage() {
    MessageId id = new MessageId("k3f9a0qz", 42);
    assertThat(MessageId.parse(id.toString())).contains(id);
    assertThat(MessageId.parse("nope")).isEmpty();
    assertThat(MessageId.parse("-1")).isEmpty();
    assertThat(MessageId.parse("a-")).isEmpty();
    assertThat(MessageId.parse("a--1")).isEmpty();
    assertThat(MessageId.parse("a-x")).isEmpty();
    assertThat(MessageId.parse(null)).isEmpty();
  }

  @Test
  void messageFrameWrapsTheSharedBody() {
    Buffer frame = MessageFrame.encode(Channel.parse("thread:1"), new MessageId("e", 7),
        Buffer.buffer("\"type\":\"t\",\"data\":{\"a\":\"é\"}"));
    JsonObject f = new JsonObject(frame);
    assertThat(f.getString("op")).isEqualTo("message");
    assertThat(f.getString("channel")).isEqualTo("thread:1");
    assertThat(f.getString("id")).isEqualTo("e-7");
    assertThat(f.getString("type")).isEqualTo("t");
    assertThat(f.getJsonObject("data").getString("a")).isEqualTo("é");
  }
}
