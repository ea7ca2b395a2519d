package dev.herald.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.message.IngestItem;
import dev.herald.message.Post;
import dev.herald.message.Publish;
import dev.herald.message.Channel;
import dev.herald.message.RenderedMessage;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class RendererTest {

  private final Renderer renderer = new Renderer();

  private static JsonObject data(RenderedMessage m) {
    return new JsonObject("{" + m.body() + "}").getJsonObject("data");
  }

  @Test
  void postIsSanitizedAndGetsAnExcerptAndItsFourChannels() {
    Post p = new Post("p1", "tech", "42", "p0", "u7", "Ann",
        "<p onclick=\"x()\">Hi <b>there</b><script>evil()</script><style>p{}</style></p>"
            + "<a href=\"javascript:alert(1)\">bad</a> <a href=\"https://ok.test\">good</a><img src=x onerror=y>",
        "2026-11-21T10:00:00Z");
    RenderedMessage m = renderer.render(IngestItem.of("1-0", 5, p));
    assertThat(m.channels()).extracting(Channel::toString)
        .containsExactly("forum:tech", "thread:42", "user:u7", "post:p1");
    assertThat(m.type()).isEqualTo("post.created");
    assertThat(m.dedupeKey()).isEqualTo("post:p1");
    JsonObject d = data(m);
    String html = d.getString("message");
    assertThat(html).contains("<b>there</b>").contains("href=\"https://ok.test\"").contains("rel=\"nofollow\"")
        .doesNotContain("script").doesNotContain("onclick").doesNotContain("javascript").doesNotContain("style")
        .doesNotContain("onerror");
    assertThat(d.getString("text")).isEqualTo("Hi there bad good");
    assertThat(d.getString("parent")).isEqualTo("p0");
    assertThat(d.getJsonObject("author").getString("id")).isEqualTo("u7");
  }

  @Test
  void excerptIsCutAt280Characters() {
    String text = PostSanitizer.clean("<p>" + "word ".repeat(100) + "</p>").excerpt();
    assertThat(text.codePointCount(0, text.length())).isLessThanOrEqualTo(280);
    assertThat(text).endsWith("…");
    assertThat(PostSanitizer.clean("<p>a &amp; b</p><p>c</p>").excerpt()).isEqualTo("a & b c");
  }

  @Test
  void publishCarriesItsDataAsGiven() {
    Publish p = new Publish(List.of(Channel.parse("thread:1")), "vote", "{\"up\":3,\"html\":\"<b>\"}", "k1");
    RenderedMessage m = renderer.render(IngestItem.of("1-0", 5, p));
    assertThat(m.type()).isEqualTo("vote");
    assertThat(m.dedupeKey()).isEqualTo("publish:k1");
    assertThat(data(m)).isEqualTo(new JsonObject().put("up", 3).put("html", "<b>"));
  }

  @Test
  void publishWithoutKeyIsDeduplicatedByItsQueueEntry() {
    // Taken over by another node after its commit, the same entry must not be committed a second time.
    Publish p = new Publish(List.of(Channel.parse("thread:1")), "marker", "1", null);
    assertThat(renderer.render(IngestItem.of("1700000000000-3", 0, p)).dedupeKey())
        .isEqualTo("entry:1700000000000-3");
  }
}
