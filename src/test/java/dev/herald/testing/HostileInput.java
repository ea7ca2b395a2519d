package dev.herald.testing;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of hostile client input for property tests: random text, JSON fragments, and valid frames mutated
 * by inserting, deleting or replacing characters.
 */
public final class HostileInput {

  /** Well-formed frames of every op, the seeds of mutation. */
  public static final List<String> VALID_FRAMES = List.of(
      "{\"op\":\"subscribe\",\"channels\":[\"thread:1\",\"user:7\"],\"since\":{\"thread:1\":\"e1-3\"},\"token\":\"t\"}",
      "{\"op\":\"unsubscribe\",\"channels\":[\"thread:1\"]}",
      "{\"op\":\"ping\"}",
      "{\"op\":\"refresh\",\"token\":\"abc.def.ghi\"}",
      "{\"op\":\"subscribe\",\"channels\":[\"forum:tech\"]}");

  private static final String SPECIAL = "{}[]\":,\\ \u0000\u00e9\ud83d\ude00nulltruefalse0-.eE+";

  private HostileInput() {
  }

  /** Random strings biased towards JSON punctuation. */
  public static Arbitrary<String> text() {
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(300),
        Arbitraries.strings().withChars(SPECIAL).ofMaxLength(200),
        Arbitraries.strings().withChars(SPECIAL + "opsubcriehnl_t").ofMaxLength(120).map(s -> "{\"op\":" + s));
  }

  /** A valid frame with 1 to 8 random edits. */
  public static Arbitrary<String> mutatedFrame() {
    Arbitrary<String> seed = Arbitraries.of(VALID_FRAMES);
    Arbitrary<List<int[]>> edits = Combinators.combine(Arbitraries.integers().between(0, 2),
        Arbitraries.integers().between(0, 10_000), Arbitraries.chars().with(SPECIAL.toCharArray()))
        .as((kind, pos, c) -> new int[] {kind, pos, c}).list().ofMinSize(1).ofMaxSize(8);
    return Combinators.combine(seed, edits).as(HostileInput::apply);
  }

  /** Random text or a mutated frame, or a valid frame now and then. */
  public static Arbitrary<String> frame() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, text()),
        net.jqwik.api.Tuple.of(5, mutatedFrame()),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(VALID_FRAMES)));
  }

  private static String apply(String seed, List<int[]> edits) {
    StringBuilder sb = new StringBuilder(seed);
    for (int[] e : edits) {
      int at = sb.length() == 0 ? 0 : e[1] % (sb.length() + 1);
      switch (e[0]) {
        case 0 -> sb.insert(at, (char) e[2]);
        case 1 -> {
          if (at < sb.length()) {
            sb.deleteCharAt(at);
          }
        }
        default -> {
          if (at < sb.length()) {
            sb.setCharAt(at, (char) e[2]);
          }
        }
      }
    }
    return sb.toString();
  }
}
