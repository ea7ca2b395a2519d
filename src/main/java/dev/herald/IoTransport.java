package dev.herald;

import dev.herald.config.NodeConfig;
import io.vertx.core.Vertx;
import io.vertx.core.impl.transports.EpollTransport;
import io.vertx.core.impl.transports.IoUringTransport;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.transport.Transport;

/**
 * The sockets' I/O transport of {@code node.ioTransport}. {@code auto} takes the cheapest one this machine allows:
 * io_uring, then epoll, then NIO. Vert.x's own preference is epoll first; io_uring is chosen here because a fan-out
 * writes to thousands of sockets in one event-loop turn, and io_uring hands those writes to the kernel in a few
 * system calls rather than one each (BENCHMARKS.md, "io_uring"). Both native transports accept connections without
 * the redundant socket options ({@link LeanAcceptTransports}).
 */
public final class IoTransport {

  private static final String RING_SIZE = "io.netty.iouring.ringSize";
  private static final String CQ_SIZE = "io.netty.iouring.cqSize";
  private static final String IOV_ELEMENTS = "io.netty.iouring.numElementsIoVec";
  /** Linux's limit of vectors per {@code writev} ({@code IOV_MAX}, {@code UIO_MAXIOV}). */
  private static final int IOV_MAX = 1024;

  /** The transport to build Vert.x with, its name, and why a preferred one was passed over (or null). */
  public record Choice(Transport transport, String name, String passedOver) {
  }

  private IoTransport() {
  }

  /**
   * The transport for {@code setting}; throws {@link IllegalStateException} naming the setting when an explicit one
   * is not available here.
   */
  public static Choice choose(String setting) {
    return choose(setting, "node.ioTransport");
  }

  /** As {@link #choose(String)} for a setting named {@code option} (the bench client's {@code --client-io}). */
  public static Choice choose(String setting, String option) {
    sizeRings();
    if (NodeConfig.AUTO.equals(setting)) {
      return firstAvailable(new String[] {NodeConfig.IO_URING, NodeConfig.EPOLL}, new StringBuilder());
    }
    Transport t = transport(setting);
    if (t == null || !t.available()) {
      throw new IllegalStateException(option + " is " + setting + ", which is not available here: " + cause(t));
    }
    return new Choice(t, setting, null);
  }

  /** What {@code auto} takes when io_uring was available but failed to start with {@code failure}. */
  public static Choice withoutIoUring(Throwable failure) {
    return firstAvailable(new String[] {NodeConfig.EPOLL},
        new StringBuilder(NodeConfig.IO_URING).append(" failed to start: ").append(failure.getMessage()));
  }

  /** The name of the transport {@code vertx} runs on: {@code io_uring}, {@code epoll} or {@code nio}. */
  public static String nameOf(Vertx vertx) {
    io.vertx.core.spi.transport.Transport impl = ((VertxInternal) vertx).transport();
    return impl instanceof IoUringTransport ? NodeConfig.IO_URING : impl instanceof EpollTransport ? NodeConfig.EPOLL
        : NodeConfig.NIO;
  }

  private static Choice firstAvailable(String[] names, StringBuilder passedOver) {
    for (String name : names) {
      Transport t = transport(name);
      if (t != null && t.available()) {
        return new Choice(t, name, passedOver.isEmpty() ? null : passedOver.toString());
      }
      passedOver.append(passedOver.isEmpty() ? "" : "; ").append(name).append(": ").append(cause(t));
    }
    return new Choice(Transport.NIO, NodeConfig.NIO, passedOver.toString());
  }

  /**
   * Rings sized for fan-out, unless set on the command line: read once, when Netty first looks at io_uring. A turn
   * that writes to 5,000 sockets queues 5,000 sends; with Netty's defaults they went to the kernel 128 at a time and
   * their completions overflowed its 4,096-entry queue (the kernel keeps them, slower, and Netty logged a warning
   * per turn). A submission entry is 64 bytes and a completion 16: 256 KB and 512 KB per event loop.
   */
  private static void sizeRings() {
    if (System.getProperty(RING_SIZE) == null) {
      System.setProperty(RING_SIZE, "4096");
    }
    if (System.getProperty(CQ_SIZE) == null) {
      System.setProperty(CQ_SIZE, "32768");
    }
    // An event loop's vectored writes of one submission share one iovec array, which takes at most IOV_MAX
    // entries but is submitted and cleared only when its memory is full (10 * IOV_MAX entries by default). Past
    // IOV_MAX entries in a turn, as when an overloaded fan-out has several frames queued on thousands of sockets,
    // every further socket's write got no vector, wrote 0 bytes, was taken as done and was written again at once:
    // the node spun on empty writes (BENCHMARKS.md, "io_uring past the knee"). Sized to IOV_MAX, the array is
    // submitted when it is full.
    if (System.getProperty(IOV_ELEMENTS) == null) {
      System.setProperty(IOV_ELEMENTS, Integer.toString(IOV_MAX));
    }
  }

  private static Transport transport(String name) {
    return switch (name) {
      case NodeConfig.IO_URING -> LeanAcceptTransports.lean(Transport.IO_URING);
      case NodeConfig.EPOLL -> LeanAcceptTransports.lean(Transport.EPOLL);
      default -> Transport.NIO;
    };
  }

  private static String cause(Transport t) {
    if (t == null) {
      return "its native library is not on the class path";
    }
    Throwable c = t.unavailabilityCause();
    return c == null ? "unavailable" : String.valueOf(c.getMessage());
  }
}
