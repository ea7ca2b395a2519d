package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.message.Channel;
import dev.herald.message.MessageId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResumeTokenTest {

  private static final Channel A = Channel.parse("thread:42");
  private static final Channel B = Channel.parse("forum:tech");

  @Test
  void roundTripsOnePositionPerChannelInOrder() {
    String token = ResumeToken.encode(List.of(A, B), Map.of(A, new MessageId("e1", 7), B, new MessageId("e2", 3)));
    assertThat(token).matches("[A-Za-z0-9_-]+");
    assertThat(ResumeToken.decode(token)).containsExactly(Map.entry("thread:42", "e1-7"),
        Map.entry("forum:tech", "e2-3"));
  }

  @Test
  void channelWithoutPositionResumesFromTheStart() {
    String token = ResumeToken.encode(List.of(A, B), Map.of(A, new MessageId("e1", 7)));
    assertThat(ResumeToken.decode(token)).containsEntry("forum:tech", ResumeToken.FROM_START);
    String again = ResumeToken.encode(List.of(A, B), Map.of(), ResumeToken.decode(token));
    assertThat(again).isEqualTo(token);
  }

  @Test
  void garbageDecodesToNothing() {
    for (String bad : new String[] {null, "", "   ", "%%%", "not base64!", "YWJj", "PT0sLA",
        java.util.Base64.getUrlEncoder().encodeToString("thread:1=x".getBytes()),
        java.util.Base64.getUrlEncoder().encodeToString("Bad Channel=e-1".getBytes()), "x".repeat(20_000)}) {
      assertThat(ResumeToken.decode(bad)).as(String.valueOf(bad)).isEmpty();
    }
  }
}
