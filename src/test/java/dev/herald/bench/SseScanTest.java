package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseScanTest {

  private record Seen(int kind, long sentMicros, long seq) {
  }

  private final List<Seen> seen = new ArrayList<>();
  private final SseStream stream = new SseStream(f -> seen.add(new Seen(f.kind, f.sentMicros, f.seq)));

  private static String event(long t, long n) {
    return "id: dG9rZW4" + n + "\nevent: message\ndata: {\"op\":\"message\",\"channel\":\"bench:7\",\"id\":\"17-" + n
        + "\",\"data\":{\"t\":" + t + ",\"n\":" + n + "}}\n\n";
  }

  private static final String START = ": ok\n\nevent: subscribed\ndata: {\"op\":\"subscribed\",\"channel\":\"bench:7\","
      + "\"position\":null,\"recovered\":true}\n\n";

  private void feedInPieces(String text, int... cuts) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int from = 0;
    for (int cut : cuts) {
      stream.feed(Buffer.buffer().appendBytes(bytes, from, cut - from));
      from = cut;
    }
    stream.feed(Buffer.buffer().appendBytes(bytes, from, bytes.length - from));
  }

  @Test
  void subscribedThenMessagesInOneChunk() {
    stream.feed(Buffer.buffer(START + event(100, 1) + ": hb\n\n" + event(200, 2)));
    assertThat(seen).containsExactly(new Seen(Target.Frame.SUBSCRIBED, 0, 0),
        new Seen(Target.Frame.MESSAGE, 100, 1), new Seen(Target.Frame.MESSAGE, 200, 2));
  }

  @Test
  void aDataLineSplitAcrossChunksIsScannedOnceWhole() {
    String text = event(1732240000123456L, 41) + event(1732240000999999L, 42);
    // Cut inside "data:", inside the "t" value, between "\n" and "\n", and inside the second sequence.
    int data = text.indexOf("data:") + 2;
    int t = text.indexOf("\"t\":") + 9;
    int blank = text.indexOf("\n\n") + 1;
    int n2 = text.lastIndexOf("\"n\":") + 5;
    feedInPieces(text, data, t, blank, n2);
    assertThat(seen).containsExactly(new Seen(Target.Frame.MESSAGE, 1732240000123456L, 41),
        new Seen(Target.Frame.MESSAGE, 1732240000999999L, 42));
  }

  @Test
  void aDataLineOverSeveralChunksWithNoNewlineBetween() {
    String text = event(55, 7);
    int[] cuts = new int[text.length() - 1];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = i + 1;
    }
    feedInPieces(text, cuts);
    assertThat(seen).containsExactly(new Seen(Target.Frame.MESSAGE, 55, 7));
  }

  @Test
  void crLfLineEndsAndCommentsAreHandled() {
    stream.feed(Buffer.buffer(": ok\r\n\r\ndata: {\"op\":\"message\",\"data\":{\"t\":3,\"n\":4}}\r\n\r\n"));
    assertThat(seen).containsExactly(new Seen(Target.Frame.MESSAGE, 3, 4));
  }

  @Test
  void anUnfinishedLineWaitsForItsEnd() {
    stream.feed(Buffer.buffer("data: {\"op\":\"message\",\"data\":{\"t\":3,\"n\":4"));
    assertThat(seen).isEmpty();
    stream.feed(Buffer.buffer("5}}\n"));
    assertThat(seen).containsExactly(new Seen(Target.Frame.MESSAGE, 3, 45));
  }
}
