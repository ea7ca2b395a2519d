package dev.herald.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.message.Channel;
import dev.herald.message.IngestItem;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntryParserTest {

  private final EntryParser parser = new EntryParser(65_536);

  private static JsonObject post() {
    return new JsonObject().put("id", "p1").put("forum", "tech").put("thread", "42")
        .put("author", new JsonObject().put("id", "u7").put("name", "Ann")).put("message", "<p>x</p>")
        .put("createdAt", "2026-11-21T10:00:00Z");
  }

  private ParsedEntry.Rejected rejected(Map<String, String> fields) {
    ParsedEntry p = parser.parse("1-0", 0, fields);
    assertThat(p).isInstanceOf(ParsedEntry.Rejected.class);
    return (ParsedEntry.Rejected) p;
  }

  @Test
  void validPostAndPublishAreAccepted() {
    ParsedEntry p = parser.parse("1-0", 7, Map.of("post", post().encode()));
    IngestItem item = ((ParsedEntry.Accepted) p).item();
    assertThat(item.post().authorName()).isEqualTo("Ann");
    assertThat(item.acceptedAtMillis()).isEqualTo(7);
    ParsedEntry q = parser.parse("1-0", 7, Map.of("publish",
        "{\"channels\":[\"thread:1\",\"thread:1\",\"forum:a\"],\"data\":[1,2],\"id\":\"k\"}"));
    IngestItem pub = ((ParsedEntry.Accepted) q).item();
    assertThat(pub.publish().channels()).extracting(Channel::toString).containsExactly("thread:1", "forum:a");
    assertThat(pub.publish().type()).isEqualTo("message");
    assertThat(pub.publish().dataJson()).isEqualTo("[1,2]");
    assertThat(pub.publish().idempotencyKey()).isEqualTo("k");
  }

  @Test
  void eachBadFieldIsNamed() {
    assertThat(rejected(Map.of("post", post().put("createdAt", "yesterday").encode())).field())
        .isEqualTo("post.createdAt");
    assertThat(rejected(Map.of("post", post().put("thread", "a b").encode())).field()).isEqualTo("post.thread");
    assertThat(rejected(Map.of("post", post().put("author", "x").encode())).field()).isEqualTo("post.author");
    assertThat(rejected(Map.of("post", post().put("author", new JsonObject().put("id", "u")).encode())).field())
        .isEqualTo("post.author.name");
    assertThat(rejected(Map.of("post", post().put("message", 5).encode())).field()).isEqualTo("post.message");
    assertThat(rejected(Map.of("publish", "{\"channels\":[]}")).field()).isEqualTo("publish.channels");
    assertThat(rejected(Map.of("publish", "{\"channels\":[\"a:1\",7]}")).field()).isEqualTo("publish.channels[1]");
    assertThat(rejected(Map.of("publish", "{\"channel\":\"a:1\",\"type\":\"bad type\"}")).field())
        .isEqualTo("publish.type");
    assertThat(rejected(Map.of("publish", "{}")).field()).isEqualTo("publish.channel");
  }

  @Test
  void malformedEntriesAreRejectedNotThrown() {
    assertThat(rejected(Map.of()).reason()).contains("neither");
    assertThat(rejected(Map.of("post", "{}", "publish", "{}")).reason()).contains("both");
    assertThat(rejected(Map.of("post", "[1]")).reason()).contains("JSON object");
    assertThat(rejected(Map.of("post", "{")).reason()).contains("not valid JSON");
    assertThat(rejected(Map.of("publish", "x".repeat(70_000))).reason()).contains("larger than");
    assertThat(rejected(Map.of("publish", "[".repeat(5000))).reason()).isNotBlank();
    assertThat(List.of(rejected(Map.of("post", "null")).reason())).isNotEmpty();
  }
}
