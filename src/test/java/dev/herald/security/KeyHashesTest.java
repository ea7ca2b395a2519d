package dev.herald.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyHashesTest {

  @Test
  void hashIsLowerCaseHexSha256() {
    assertThat(KeyHashes.sha256Hex("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void presentedKeyMatchesAnyConfiguredHashButNotTheHashItself() {
    List<String> hashes = List.of(KeyHashes.sha256Hex("one"), KeyHashes.sha256Hex("two"));
    assertThat(KeyHashes.matches("two", hashes)).isTrue();
    assertThat(KeyHashes.matches("three", hashes)).isFalse();
    assertThat(KeyHashes.matches(hashes.get(0), hashes)).isFalse();
    assertThat(KeyHashes.matches(null, hashes)).isFalse();
    assertThat(KeyHashes.matches("", hashes)).isFalse();
    assertThat(KeyHashes.matches("one", List.of())).isFalse();
  }

  @Test
  void bearerTakesTheKeyOfTheBearerSchemeOnly() {
    assertThat(KeyHashes.bearer("Bearer k1")).isEqualTo("k1");
    assertThat(KeyHashes.bearer("bearer  k1 ")).isEqualTo("k1");
    assertThat(KeyHashes.bearer("Basic azE6")).isNull();
    assertThat(KeyHashes.bearer(null)).isNull();
    assertThat(KeyHashes.bearer("Bearer ")).isNull();
  }
}
