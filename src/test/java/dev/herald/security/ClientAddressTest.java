package dev.herald.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

  private static final List<String> PROXIES = List.of("10.0.0.1", "10.0.0.2");

  @Test
  void forwardedForIsIgnoredFromAnUntrustedPeer() {
    assertThat(ClientAddress.of("203.0.113.9", "1.2.3.4", PROXIES)).isEqualTo("203.0.113.9");
  }

  @Test
  void trustedProxyGivesTheRightmostUntrustedHop() {
    assertThat(ClientAddress.of("10.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.2", PROXIES)).isEqualTo("198.51.100.7");
  }

  @Test
  void trustedProxyWithoutHeaderOrOnlyProxiesIsThePeer() {
    assertThat(ClientAddress.of("10.0.0.1", null, PROXIES)).isEqualTo("10.0.0.1");
    assertThat(ClientAddress.of("10.0.0.1", " , 10.0.0.2", PROXIES)).isEqualTo("10.0.0.1");
  }
}
