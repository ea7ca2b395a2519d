package dev.herald.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.HostileInput;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever a client sends, the parser returns a frame or a documented error; it never throws. */
class ClientFrameParserTest {

  @Property(tries = 2000)
  void anyTextParsesToAFrameOrADocumentedError(@ForAll("frames") String text) {
    ClientFrame f = ClientFrameParser.parse(text);
    assertThat(f).isNotNull();
    if (f instanceof ClientFrame.Invalid i) {
      assertThat(i.code()).isIn(ErrorCode.BAD_FRAME, ErrorCode.UNKNOWN_OP, ErrorCode.TOO_MANY_CHANNELS);
      assertThat(i.reason()).isNotBlank();
    } else if (f instanceof ClientFrame.Subscribe s) {
      assertThat(s.channels()).isNotEmpty().doesNotContainNull();
      assertThat(s.since()).isNotNull();
    } else if (f instanceof ClientFrame.Refresh r) {
      assertThat(r.token()).isNotEmpty();
    }
  }

  @Provide
  Arbitrary<String> frames() {
    return HostileInput.frame();
  }
}
