package dev.herald.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.config.PublisherConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class PublisherKeysTest {

  private final PublisherKeys keys = new PublisherKeys(List.of(
      new PublisherConfig(PublisherConfig.sha256Hex("forum-key"), List.of("thread", "forum")),
      PublisherConfig.ofPlaintext("root-key")));

  @Test
  void knownKeyIsGrantedItsNamespaces() {
    PublisherKeys.Verdict v = keys.check("Bearer forum-key");
    assertThat(v).isInstanceOf(PublisherKeys.Verdict.Granted.class);
    PublisherKeys.Verdict.Granted g = (PublisherKeys.Verdict.Granted) v;
    assertThat(g.firstDenied(List.of("thread", "forum"))).isNull();
    assertThat(g.firstDenied(List.of("forum", "thread", "user", "post"))).isEqualTo("user");
  }

  @Test
  void wildcardKeyMayPublishEverywhere() {
    PublisherKeys.Verdict.Granted g = (PublisherKeys.Verdict.Granted) keys.check("bearer root-key");
    assertThat(g.firstDenied(List.of("user", "anything"))).isNull();
  }

  @Test
  void missingMalformedAndUnknownKeysAreUnauthorizedWithoutEchoingTheKey() {
    for (String header : new String[] {null, "", "Bearer", "Bearer ", "Basic forum-key", "forum-key",
        "Bearer forum-key2", "Bearer FORUM-KEY"}) {
      PublisherKeys.Verdict v = keys.check(header);
      assertThat(v).as(String.valueOf(header)).isInstanceOf(PublisherKeys.Verdict.Unauthorized.class);
      assertThat(((PublisherKeys.Verdict.Unauthorized) v).error()).doesNotContain("forum-key");
    }
  }

  @Test
  void withoutAnyKeyEveryRequestIsRefused() {
    PublisherKeys none = new PublisherKeys(List.of());
    assertThat(none.configured()).isFalse();
    assertThat(none.check("Bearer anything")).isInstanceOf(PublisherKeys.Verdict.Unauthorized.class);
    assertThat(((PublisherKeys.Verdict.Unauthorized) none.check("Bearer x")).error()).contains("disabled");
  }
}
