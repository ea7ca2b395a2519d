package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.transport.Transport;
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
}
