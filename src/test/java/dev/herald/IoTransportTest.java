package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.transport.Transport;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class IoTransportTest {

  @Test
  void autoTakesIoUringWhereTheKernelAllowsItAndElseSaysWhy() {
    IoTransport.Choice auto = IoTransport.choose("auto");
    if (Transport.IO_URING != null && Transport.IO_URING.available()) {
      assertThat(auto.name()).isEqualTo("io_uring");
      assertThat(auto.passedOver()).isNull();
    } else {
      assertThat(auto.name()).isEqualTo(Transport.EPOLL.available() ? "epoll" : "nio");
      assertThat(auto.passedOver()).startsWith("io_uring: ");
    }
    assertThat(IoTransport.choose("nio").name()).isEqualTo("nio");
  }

  @Test
  void aFailedIoUringStartFallsBackAndSaysWhy() {
    IoTransport.Choice next = IoTransport.withoutIoUring(new IllegalStateException("failed to create io_uring ring"));
    assertThat(next.name()).isEqualTo(Transport.EPOLL.available() ? "epoll" : "nio");
    assertThat(next.passedOver()).startsWith("io_uring failed to start: failed to create io_uring ring");
  }

  @Test
  void ringsAreSizedForFanOut() {
    IoTransport.choose("nio");
    assertThat(System.getProperty("io.netty.iouring.ringSize")).isEqualTo("4096");
    assertThat(System.getProperty("io.netty.iouring.cqSize")).isEqualTo("32768");
    // What this buys is shown by IoUringVectoredWritesIT.
    assertThat(System.getProperty("io.netty.iouring.numElementsIoVec")).isEqualTo("1024");
  }

  @Test
  void nativeTransportsAcceptWithoutSettingOptionsASocketAlreadyHas() {
    Assumptions.assumeTrue(Transport.EPOLL.available() || (Transport.IO_URING != null && Transport.IO_URING.available()),
        "no native transport here");
    for (String name : new String[] {"io_uring", "epoll"}) {
      IoTransport.Choice choice;
      try {
        choice = IoTransport.choose(name);
      } catch (IllegalStateException notHere) {
        continue;
      }
      // Herald's server options: only Nagle differs from Vert.x's defaults, and it is on for a new socket anyway.
      assertThat(childOptions(choice, new NetServerOptions().setTcpNoDelay(true))).as(name).isEmpty();
      NetServerOptions changed = new NetServerOptions().setTcpNoDelay(false).setTcpKeepAlive(true)
          .setTcpQuickAck(true).setTcpCork(true).setTcpUserTimeout(5000);
      assertThat(childOptions(choice, changed)).as(name).containsExactlyInAnyOrder("TCP_NODELAY", "SO_KEEPALIVE",
          "TCP_QUICKACK", "TCP_CORK", "TCP_USER_TIMEOUT");
    }
  }

  /** The names of the socket options each accepted connection gets (buffer allocator settings left out). */
  private static Set<String> childOptions(IoTransport.Choice choice, NetServerOptions options) {
    ServerBootstrap bootstrap = new ServerBootstrap();
    choice.transport().implementation().configure(options, false, bootstrap);
    Map<ChannelOption<?>, Object> child = bootstrap.config().childOptions();
    return child.keySet().stream().map(o -> o.name().substring(o.name().lastIndexOf('#') + 1))
        .collect(Collectors.toSet());
  }
}
