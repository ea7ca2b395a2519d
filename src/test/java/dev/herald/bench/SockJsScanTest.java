package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SockJsScanTest {

  /** What one sink call saw. */
  private record Seen(int kind, long sentMicros, long seq, long retryAfterMs) {
  }

  private final List<Seen> seen = new ArrayList<>();
  private final Target.Frame frame = new Target.Frame();

  private byte scan(String sockJsFrame) {
    return SockJsFrames.scan(Buffer.buffer(sockJsFrame), frame,
        f -> seen.add(new Seen(f.kind, f.sentMicros, f.seq, f.retryAfterMs)));
  }

  /** An {@code a} frame as SockJS encodes it: a JSON array of the frames as strings. */
  private static String array(String... heraldFrames) {
    return "a" + new JsonArray(List.of((Object[]) heraldFrames)).encode();
  }

  private static String message(long t, long n) {
    return "{\"op\":\"message\",\"channel\":\"bench:7\",\"id\":\"17-" + n + "\",\"data\":{\"t\":" + t + ",\"n\":"
        + n + "}}";
  }

  @Test
  void anArrayWithOneMessage() {
    String text = array(message(1732240000123456L, 9));
    assertThat(text).contains("\\\"t\\\":1732240000123456");
    assertThat(scan(text)).isEqualTo(SockJsFrames.ARRAY);
    assertThat(seen).containsExactly(new Seen(Target.Frame.MESSAGE, 1732240000123456L, 9, 0));
  }

  @Test
  void anArrayWithSeveralMessagesCountsEach() {
    scan(array(message(100, 1), message(200, 2), message(300, 3)));
    assertThat(seen).extracting(Seen::kind).containsOnly(Target.Frame.MESSAGE);
    assertThat(seen).extracting(Seen::seq).containsExactly(1L, 2L, 3L);
    assertThat(seen).extracting(Seen::sentMicros).containsExactly(100L, 200L, 300L);
  }

  @Test
  void controlFramesInsideAnArrayKeepTheirKind() {
    scan(array("{\"op\":\"hello\",\"version\":1,\"client\":\"n-1\",\"heartbeatMs\":25000}",
        "{\"op\":\"subscribed\",\"channel\":\"bench:7\",\"position\":null,\"recovered\":true}", message(5, 1)));
    assertThat(seen).extracting(Seen::kind)
        .containsExactly(Target.Frame.OTHER, Target.Frame.SUBSCRIBED, Target.Frame.MESSAGE);
  }

  @Test
  void aRefusalCarriesItsRetryDelay() {
    scan(array("{\"op\":\"disconnect\",\"code\":4013,\"reason\":\"overloaded\",\"retryAfterMs\":1500,"
        + "\"positions\":{}}"));
    assertThat(seen).containsExactly(new Seen(Target.Frame.RETRY, 0, 0, 1500));
  }

  @Test
  void escapedBackslashesAndQuotesInDataDoNotSplitAMessage() {
    String tricky = "{\"op\":\"message\",\"channel\":\"bench:1\",\"id\":\"1-1\",\"data\":{\"s\":\"a\\\\\\\"],[\\\"\","
        + "\"t\":7,\"n\":8}}";
    scan(array(tricky, message(9, 10)));
    assertThat(seen).extracting(Seen::seq).containsExactly(8L, 10L);
  }

  @Test
  void openHeartbeatAndCloseFramesCarryNoHeraldFrame() {
    assertThat(scan("o")).isEqualTo(SockJsFrames.OPEN);
    assertThat(scan("h")).isEqualTo((byte) 'h');
    assertThat(scan("c[3000,\"Go away!\"]")).isEqualTo((byte) 'c');
    assertThat(scan("")).isZero();
    assertThat(seen).isEmpty();
  }

  @Test
  void theSubscribeFrameIsAJsonArrayOfOneHeraldFrame() {
    JsonArray a = new JsonArray(Transport.sockJsSubscribe("bench:7"));
    assertThat(a.size()).isEqualTo(1);
    assertThat(new io.vertx.core.json.JsonObject(a.getString(0)).encode())
        .isEqualTo("{\"op\":\"subscribe\",\"channels\":[\"bench:7\"]}");
  }

  @Test
  void sockJsPathsAreFreshSessionsOnTheWebsocketTransport() {
    String p1 = Transport.SOCKJS.subscribePath(Target.HERALD, "bench:3", 1234);
    String p2 = Transport.SOCKJS.subscribePath(Target.HERALD, "bench:3", 1234);
    assertThat(p1).matches("/rt/234/[0-9a-z]+/websocket");
    assertThat(p1).isNotEqualTo(p2);
    assertThat(Transport.SSE.subscribePath(Target.HERALD, "bench:3", 0)).isEqualTo("/sse?channels=bench:3");
    assertThat(Transport.WS.subscribePath(Target.HERALD, "bench:3", 0)).isEqualTo("/ws?channels=bench:3");
    assertThat(Transport.WS.subscribePath(Target.NCHAN, "bench:3", 0)).isEqualTo("/sub/bench:3");
  }
}
