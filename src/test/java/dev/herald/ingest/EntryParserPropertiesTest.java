package dev.herald.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.HostileInput;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Stream entries and HTTP bodies: any input is accepted as a valid item or rejected with a reason; no throw. */
class EntryParserPropertiesTest {

  private final EntryParser parser = new EntryParser(4096);

  @Property(tries = 2000)
  void anyFieldsGiveAnItemOrARejection(@ForAll("entries") Map<String, String> fields) {
    check(parser.parse("1-0", 0, fields));
  }

  @Property(tries = 2000)
  void anyJsonObjectGivesAnItemOrARejection(@ForAll("objects") String json) {
    check(parser.parsePost("1-0", 0, json));
    check(parser.parsePublish("1-0", 0, json));
  }

  private static void check(ParsedEntry e) {
    assertThat(e).isNotNull();
    if (e instanceof ParsedEntry.Rejected r) {
      assertThat(r.reason()).isNotBlank();
    } else {
      assertThat(((ParsedEntry.Accepted) e).item()).isNotNull();
    }
  }

  @Provide
  Arbitrary<Map<String, String>> entries() {
    Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.of("post", "publish", "x"), Arbitraries.strings().ofMaxLength(8));
    return Arbitraries.maps(keys, Arbitraries.oneOf(HostileInput.text(), objects())).ofMaxSize(3);
  }

  /** JSON objects with the contract's field names and random values of every JSON type. */
  @Provide
  Arbitrary<String> objects() {
    Arbitrary<String> field = Arbitraries.of("id", "forum", "thread", "parent", "author", "message", "createdAt",
        "channel", "channels", "type", "data", "name");
    Arbitrary<Object> leaf = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(20).map(s -> (Object) s),
        Arbitraries.of("thread:1", "user:7", "bad channel", "2026-11-21T10:00:00Z", "a").map(s -> (Object) s),
        Arbitraries.integers().map(i -> (Object) i), Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.just(null));
    Arbitrary<Object> value = Arbitraries.oneOf(leaf,
        leaf.list().ofMaxSize(4).map(l -> (Object) new JsonArray(l)),
        Arbitraries.maps(field, leaf).ofMaxSize(4).map(m -> (Object) new JsonObject(new java.util.HashMap<>(m))));
    return Arbitraries.maps(field, value).ofMaxSize(9)
        .map(m -> new JsonObject(new java.util.HashMap<>(m)).encode());
  }
}
