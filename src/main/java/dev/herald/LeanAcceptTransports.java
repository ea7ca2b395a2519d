package dev.herald;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.uring.IoUringChannelOption;
import io.vertx.core.impl.transports.EpollTransport;
import io.vertx.core.impl.transports.IoUringTransport;
import io.vertx.core.impl.transports.TransportInternal;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.transport.Transport;

/**
 * Vert.x's io_uring and epoll transports, minus the socket options every accepted connection is given although it
 * already has them. Vert.x sets five options on each accepted socket ({@code SO_KEEPALIVE}, {@code TCP_NODELAY},
 * {@code TCP_QUICKACK}, {@code TCP_CORK}, {@code TCP_USER_TIMEOUT}), one {@code setsockopt} call each, on the
 * single acceptor thread; with the server's defaults each writes the value the socket already holds: off for the
 * first four but {@code TCP_NODELAY}, which Netty's channel config turns on for every new socket, and 0 for the
 * timeout. In a connect storm those calls were 11 % of the node's event-loop and acceptor time (BENCHMARKS.md,
 * "Connect storm"). An option set to anything else is still set.
 */
final class LeanAcceptTransports {

  private LeanAcceptTransports() {
  }

  /** {@code transport} with the lean accept, or as it is when it is neither io_uring nor epoll or not here. */
  static Transport lean(Transport transport) {
    if (transport == null || !transport.available()) {
      return transport;
    }
    io.vertx.core.spi.transport.Transport impl = transport.implementation();
    if (impl instanceof IoUringTransport) {
      return new TransportInternal(transport.name(), true, null, new LeanIoUring());
    }
    if (impl instanceof EpollTransport) {
      return new TransportInternal(transport.name(), true, null, new LeanEpoll());
    }
    return transport;
  }

  /** Removes the options Vert.x just put on {@code bootstrap} that a fresh accepted socket already has. */
  static void dropDefaults(NetServerOptions options, ServerBootstrap bootstrap, ChannelOption<Integer> userTimeout,
      ChannelOption<Boolean> quickAck, ChannelOption<Boolean> cork) {
    // A null value removes a child option.
    if (!options.isTcpKeepAlive()) {
      bootstrap.childOption(ChannelOption.SO_KEEPALIVE, null);
    }
    if (options.isTcpNoDelay()) {
      bootstrap.childOption(ChannelOption.TCP_NODELAY, null);
    }
    if (!options.isTcpQuickAck()) {
      bootstrap.childOption(quickAck, null);
    }
    if (!options.isTcpCork()) {
      bootstrap.childOption(cork, null);
    }
    if (options.getTcpUserTimeout() == 0) {
      bootstrap.childOption(userTimeout, null);
    }
  }

  static final class LeanIoUring extends IoUringTransport {
    @Override
    public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
      super.configure(options, domainSocket, bootstrap);
      dropDefaults(options, bootstrap, IoUringChannelOption.TCP_USER_TIMEOUT, IoUringChannelOption.TCP_QUICKACK,
          IoUringChannelOption.TCP_CORK);
    }
  }

  static final class LeanEpoll extends EpollTransport {
    @Override
    public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
      super.configure(options, domainSocket, bootstrap);
      if (!domainSocket) {
        dropDefaults(options, bootstrap, EpollChannelOption.TCP_USER_TIMEOUT, EpollChannelOption.TCP_QUICKACK,
            EpollChannelOption.TCP_CORK);
      }
    }
  }
}
