package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where the warm-up connects for each kind of {@code http.host}. */
class ConnectWarmupTest {

  @Test
  void wildcardHostsAreReachedOnLoopback() {
    assertThat(ConnectWarmup.loopbackFor("0.0.0.0")).isEqualTo("127.0.0.1");
    assertThat(ConnectWarmup.loopbackFor("")).isEqualTo("127.0.0.1");
    assertThat(ConnectWarmup.loopbackFor("::")).isEqualTo("::1");
    assertThat(ConnectWarmup.loopbackFor("[::]")).isEqualTo("::1");
    assertThat(ConnectWarmup.loopbackFor("::0")).isEqualTo("::1");
    assertThat(ConnectWarmup.loopbackFor("0:0:0:0:0:0:0:0")).isEqualTo("::1");
  }

  @Test
  void aSpecificHostIsReachedAsIs() {
    assertThat(ConnectWarmup.loopbackFor("127.0.0.5")).isEqualTo("127.0.0.5");
    assertThat(ConnectWarmup.loopbackFor("10.1.2.3")).isEqualTo("10.1.2.3");
    assertThat(ConnectWarmup.loopbackFor("[::1]")).isEqualTo("::1");
    assertThat(ConnectWarmup.loopbackFor("push.example")).isEqualTo("push.example");
  }
}
