package dev.herald.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.IoTransport;
import dev.herald.testing.Await;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The native transports accept connections without setting the options a fresh socket already has
 * ({@code LeanAcceptTransports}); the accepted sockets must still end up as the server's options say. Read back
 * from the kernel ({@code getsockopt}) on the server's side of a real loopback connection.
 */
class LeanAcceptIT {

  private Vertx vertx;

  @AfterEach
  void stop() {
    if (vertx != null) {
      Await.of(vertx.close(), 30);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"io_uring", "epoll"})
  void acceptedSocketsHaveTheServersOptionsWhetherDefaultOrNot(String transport) throws Exception {
    try {
      vertx = Vertx.builder().withTransport(IoTransport.choose(transport).transport()).build();
    } catch (IllegalStateException notHere) {
      Assumptions.abort(notHere.getMessage());
    }
    assertThat(IoTransport.nameOf(vertx)).isEqualTo(transport);

    // Herald's HTTP server options: Nagle off, the rest left at their defaults.
    Channel byDefault = acceptOne(new NetServerOptions().setTcpNoDelay(true));
    assertThat(byDefault.config().getOption(ChannelOption.TCP_NODELAY)).isTrue();
    assertThat(byDefault.config().getOption(ChannelOption.SO_KEEPALIVE)).isFalse();

    // Every option set away from its default still reaches the socket.
    Channel changed = acceptOne(new NetServerOptions().setTcpNoDelay(false).setTcpKeepAlive(true));
    assertThat(changed.config().getOption(ChannelOption.TCP_NODELAY)).isFalse();
    assertThat(changed.config().getOption(ChannelOption.SO_KEEPALIVE)).isTrue();
  }

  /** The server-side Netty channel of one connection accepted by a server with {@code options}. */
  private Channel acceptOne(NetServerOptions options) throws Exception {
    CompletableFuture<Channel> accepted = new CompletableFuture<>();
    NetServer server = Await.of(vertx.createNetServer(options.setHost("127.0.0.1").setPort(0))
        .connectHandler(so -> accepted.complete(((NetSocketInternal) so).channelHandlerContext().channel()))
        .listen(), 30);
    NetClient client = vertx.createNetClient();
    Await.of(client.connect(server.actualPort(), "127.0.0.1"), 30);
    return accepted.get(30, TimeUnit.SECONDS);
  }
}
