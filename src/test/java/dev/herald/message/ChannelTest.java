package dev.herald.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.herald.transport.SessionFactory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Channel names from query strings and frames: parsed and round-tripped, or refused with a reason. */
class ChannelTest {

  @Property(tries = 3000)
  void parseRoundTripsOrRefusesWithAReason(@ForAll("names") String name) {
    Throwable t = catchThrowable(() -> Channel.parse(name));
    if (t == null) {
      Channel c = Channel.parse(name);
      assertThat(c.toString()).isEqualTo(name);
      assertThat(Channel.isValid(name)).isTrue();
    } else {
      assertThat(t).isInstanceOf(IllegalArgumentException.class);
      assertThat(t.getMessage()).isNotBlank();
      assertThat(Channel.isValid(name)).isFalse();
    }
  }

  /** The hand-written checks accept exactly what the documented patterns accept. */
  @Property(tries = 5000)
  void namespaceAndIdChecksAgreeWithTheirPatterns(@ForAll("parts") String s) {
    assertThat(Channel.isNamespace(s)).isEqualTo(s.matches("[a-z][a-z0-9_-]{0,31}"));
    assertThat(Channel.isId(s)).isEqualTo(s.matches("[A-Za-z0-9_.@-]{1,128}"));
  }

  @Provide
  Arbitrary<String> parts() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(140),
        Arbitraries.strings().withChars("azAZ09_-.@:/ \u00e9`{[").ofMaxLength(140),
        Arbitraries.strings().withChars("abz09_-").ofMinLength(30).ofMaxLength(34),
        Arbitraries.strings().withChars("aZ9_.@-").ofMinLength(126).ofMaxLength(130));
  }

  @Property(tries = 1000)
  void channelsQueryParameterNeverThrows(@ForAll("queries") String query) {
    for (String name : SessionFactory.channelsParam(query)) {
      assertThat(name).isNotBlank();
      Channel.isValid(name);
    }
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(200),
        Arbitraries.strings().withChars("ab:_-.@0Z \u00e9%/").ofMaxLength(40),
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(40)
            .flatMap(ns -> Arbitraries.strings().withChars("Aa0_.@-:x%").ofMaxLength(140).map(id -> ns + ":" + id)));
  }

  @Provide
  Arbitrary<String> queries() {
    return Arbitraries.strings().withChars("ab:1,, %&=\u00e9").ofMaxLength(100).injectNull(0.05);
  }
}
