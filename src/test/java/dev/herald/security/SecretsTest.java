package dev.herald.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SecretsTest {

  @Example
  void tokenValuesAreRemovedFromUris() {
    assertThat(Secrets.redactUri("/ws?channels=user:1&token=eyJ.abc.def&x=1"))
        .isEqualTo("/ws?channels=user:1&token=***&x=1");
    assertThat(Secrets.redactUri("/sse?TOKEN=s3cret#frag")).isEqualTo("/sse?TOKEN=***#frag");
    assertThat(Secrets.redactUri("/ws?mytoken=keep")).isEqualTo("/ws?mytoken=keep");
  }

  @Property(tries = 500)
  void noTokenValueSurvives(@ForAll("secrets") String secret, @ForAll("prefixes") String prefix) {
    String uri = prefix + "token=" + secret + "&after=1";
    assertThat(Secrets.redactUri(uri)).doesNotContain(secret).endsWith("&after=1");
  }

  @Property(tries = 500)
  void forwardedForNeverThrowsAndYieldsThePeerOrAHop(@ForAll("headers") String header) {
    String ip = ClientAddress.of("10.0.0.1", header, List.of("10.0.0.1"));
    assertThat(ip).isNotBlank();
    assertThat(ip.equals("10.0.0.1") || header.contains(ip)).isTrue();
  }

  @Provide
  Arbitrary<String> secrets() {
    return Arbitraries.strings().withChars("abcXYZ0189._-~+/=%").ofMinLength(8).ofMaxLength(60);
  }

  @Provide
  Arbitrary<String> prefixes() {
    return Arbitraries.of("/ws?", "/ws?channels=a:1&", "/sse?x=&", "/sockjs/info?");
  }

  @Provide
  Arbitrary<String> headers() {
    return Arbitraries.strings().withChars("0123456789.:abcdef, \t").ofMaxLength(80);
  }
}
