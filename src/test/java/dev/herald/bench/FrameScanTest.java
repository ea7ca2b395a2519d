package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.format.Renderer;
import dev.herald.ingest.EntryParser;
import dev.herald.ingest.ParsedEntry;
import dev.herald.message.MessageFrame;
import dev.herald.message.MessageId;
import dev.herald.message.RenderedMessage;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class FrameScanTest {

  static final String MESSAGE =
      "{\"op\":\"message\",\"channel\":\"bench:7\",\"id\":\"1732240000000-3\",\"type\":\"message\","
          + "\"data\":{\"t\":1732240000123456,\"n\":42}}";

  private static Target.Frame scan(String text) {
    Target.Frame f = new Target.Frame();
    Target.scan(Buffer.buffer(text), f);
    return f;
  }

  @Test
  void heraldMessageFrameGivesSendTimeAndSequence() {
    Target.Frame f = scan(MESSAGE);
    assertThat(f.kind).isEqualTo(Target.Frame.MESSAGE);
    assertThat(f.sentMicros).isEqualTo(1732240000123456L);
    assertThat(f.seq).isEqualTo(42);
  }

  @Test
  void nchanRawBodyIsAMessageToo() {
    Target.Frame f = scan("{\"channel\":\"bench:0\",\"data\":{\"t\":17,\"n\":3}}");
    assertThat(f.kind).isEqualTo(Target.Frame.MESSAGE);
    assertThat(f.sentMicros).isEqualTo(17);
    assertThat(f.seq).isEqualTo(3);
  }

  @Test
  void theBenchPostIsAValidPostWhoseThreadFrameCarriesSendTimeAndSequence() {
    ParsedEntry parsed = new EntryParser(65536).parsePost("1-1", 0, RatePublisher.post(7, 1732240000123456L, 42));
    assertThat(parsed).isInstanceOf(ParsedEntry.Accepted.class);
    RenderedMessage m = new Renderer().render(((ParsedEntry.Accepted) parsed).item());
    assertThat(m.channels()).extracting(Object::toString)
        .containsExactly("forum:bench", "thread:b7", "user:u7", "post:bt1732240000123456n42c7");
    Buffer frame = MessageFrame.encode(m.channels().get(1), new MessageId("e1", 3), m.body());
    assertThat(frame.toString()).doesNotContain("<script>").doesNotContain("onclick");

    Target.Frame f = new Target.Frame();
    Target.scan(frame, f);
    assertThat(f.kind).isEqualTo(Target.Frame.MESSAGE);
    assertThat(f.sentMicros).isEqualTo(1732240000123456L);
    assertThat(f.seq).isEqualTo(42);
  }

  @Test
  void aPostFrameIsRecognisedWhateverItsHistoryEpoch() {
    // One channel's epoch in 1,296 starts with "bt", like a bench post's id: its message id comes first in the frame.
    ParsedEntry parsed = new EntryParser(65536).parsePost("1-1", 0, RatePublisher.post(7, 1732240000123456L, 42));
    RenderedMessage m = new Renderer().render(((ParsedEntry.Accepted) parsed).item());
    for (String epoch : new String[] {"bt3k9x0a", "btzzzzzz", "bt123456", "bt12n4x6"}) {
      Buffer frame = MessageFrame.encode(m.channels().get(1), new MessageId(epoch, 3), m.body());
      Target.Frame f = new Target.Frame();
      Target.scan(frame, f);
      assertThat(f.kind).as(epoch).isEqualTo(Target.Frame.MESSAGE);
      assertThat(f.sentMicros).as(epoch).isEqualTo(1732240000123456L);
      assertThat(f.seq).as(epoch).isEqualTo(42);
    }
  }

  @Test
  void subscribedAndRetryFramesAreRecognised() {
    assertThat(scan("{\"op\":\"subscribed\",\"channel\":\"bench:1\",\"position\":null,\"recovered\":true}").kind)
        .isEqualTo(Target.Frame.SUBSCRIBED);
    Target.Frame retry = scan("{\"op\":\"disconnect\",\"code\":4013,\"reason\":\"overloaded\","
        + "\"retryAfterMs\":750,\"positions\":{}}");
    assertThat(retry.kind).isEqualTo(Target.Frame.RETRY);
    assertThat(retry.retryAfterMs).isEqualTo(750);
    assertThat(scan("{\"op\":\"hello\",\"version\":1,\"client\":\"n-1\",\"heartbeatMs\":25000}").kind)
        .isEqualTo(Target.Frame.OTHER);
  }

  @Test
  void aRangeIsScannedWithoutReadingPastItsEnd() {
    // The sequence's digits run on past the range: only those inside count.
    Buffer b = Buffer.buffer("xx{\"t\":5,\"n\":123}");
    Target.Frame f = new Target.Frame();
    Target.scan(b, 2, b.length() - 2, Target.Keys.PLAIN, f);
    assertThat(f.kind).isEqualTo(Target.Frame.MESSAGE);
    assertThat(f.seq).isEqualTo(12);
    Target.scan(b, 0, 8, Target.Keys.PLAIN, f);
    assertThat(f.kind).isEqualTo(Target.Frame.OTHER);
  }

  @Test
  void plainKeysDoNotMatchEscapedOnesAndTheReverse() {
    Target.Frame f = new Target.Frame();
    Buffer escaped = Buffer.buffer(MESSAGE.replace("\"", "\\\""));
    Target.scan(escaped, 0, escaped.length(), Target.Keys.PLAIN, f);
    assertThat(f.kind).isEqualTo(Target.Frame.OTHER);
    Target.scan(escaped, 0, escaped.length(), Target.Keys.ESCAPED, f);
    assertThat(f.kind).isEqualTo(Target.Frame.MESSAGE);
    assertThat(f.seq).isEqualTo(42);
    Buffer plain = Buffer.buffer(MESSAGE);
    Target.scan(plain, 0, plain.length(), Target.Keys.ESCAPED, f);
    assertThat(f.kind).isEqualTo(Target.Frame.OTHER);
  }
}
