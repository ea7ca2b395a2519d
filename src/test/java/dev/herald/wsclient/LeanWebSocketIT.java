package dev.herald.wsclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.IoTransport;
import dev.herald.testing.Await;
import dev.herald.testing.Eventually;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.SelfSignedCertificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bare WebSocket client against Vert.x's WebSocket server over a real socket: every frame length encoding, a
 * fragmented message, a ping answered with a pong the server accepts (so the client's masking is right: Vert.x's
 * server closes a connection on an unmasked frame), the server's close, the client's own closing handshake, a
 * refused upgrade, an upgrade that never comes, TLS, and a connection without a source address of its own.
 */
class LeanWebSocketIT {

  private final Vertx vertx = Vertx.vertx();
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final List<String> pongs = new CopyOnWriteArrayList<>();
  private final AtomicInteger closes = new AtomicInteger();
  private final AtomicInteger closeStatusAtServer = new AtomicInteger(-1);

  @AfterEach
  void stop() {
    Await.of(vertx.close(), 30);
  }

  @Test
  void readsEveryFrameShapeAnswersPingsAndHearsTheServersClose() {
    String medium = "m".repeat(300);
    String large = "L".repeat(70_000);
    int port = serve(ws -> {
      ws.pongHandler(p -> {
        pongs.add(p.toString());
        ws.close((short) 4001, "done");
      });
      ws.closeHandler(v -> closeStatusAtServer.set(ws.closeStatusCode() == null ? 0 : ws.closeStatusCode()));
      ws.writeTextMessage("small");
      ws.writeTextMessage(medium);
      ws.writeBinaryMessage(Buffer.buffer(large));
      ws.writeFrame(WebSocketFrame.textFrame("frag", false));
      ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("men"), false));
      ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("ted"), true));
      ws.writeTextMessage("after");
      ws.writePing(Buffer.buffer("are you there"));
    });

    Await.of(open(port, "/sub/x"), 10);

    Eventually.within(10, () -> assertThat(closes).hasValue(1));
    assertThat(messages).containsExactly("small", medium, large, "fragmented", "after");
    assertThat(pongs).containsExactly("are you there");
    Eventually.within(10, () -> assertThat(closeStatusAtServer).hasValue(4001));
  }

  @Test
  void closingSendsACloseFrameTheServerHears() {
    int port = serve(ws -> ws.closeHandler(v -> closeStatusAtServer.set(ws.closeStatusCode() == null ? 0
        : ws.closeStatusCode())));
    LeanWebSocket ws = Await.of(open(port, "/ws"), 10);
    Await.of(ws.close(), 10);
    Eventually.within(10, () -> assertThat(closeStatusAtServer).hasValue(1000));
    Eventually.within(10, () -> assertThat(closes).hasValue(1));
  }

  /**
   * After its close frame the client leaves the socket to the server, as RFC 6455 asks, and closes it itself only
   * when the server has not after {@link LeanWebSocket#CLOSE_WAIT_MS}. A raw server answers the close frame and
   * keeps the socket open.
   */
  @Test
  void afterItsCloseFrameTheClientWaitsForTheServerToCloseThenClosesItself() {
    AtomicLong closeFrameAt = new AtomicLong();
    AtomicLong clientGoneAt = new AtomicLong();
    NetServer server = vertx.createNetServer().connectHandler(so -> {
      so.handler(b -> {
        if (b.length() > 0 && (b.getByte(0) & 0xFF) == 0x88) {
          closeFrameAt.set(System.nanoTime());
          so.write(Buffer.buffer(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xE8}));
        } else if (b.toString().startsWith("GET ")) {
          so.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        }
      });
      so.closeHandler(v -> clientGoneAt.set(System.nanoTime()));
    });
    int port = Await.of(server.listen(0, "127.0.0.1"), 10).actualPort();
    LeanWebSocket ws = Await.of(open(port, "/ws"), 10);
    Await.of(ws.close(), 10);
    Eventually.within(10, () -> assertThat(closes).hasValue(1));
    Eventually.within(10, () -> assertThat(clientGoneAt.get()).isPositive());
    long waitedMs = (clientGoneAt.get() - closeFrameAt.get()) / 1_000_000;
    assertThat(waitedMs).as("ms between the close frame and the client's FIN")
        .isBetween(LeanWebSocket.CLOSE_WAIT_MS / 2, LeanWebSocket.CLOSE_WAIT_MS * 5);
  }

  /**
   * On epoll and io_uring the client binds its source address without a port, which the kernel then chooses at
   * {@code connect()}: the kernel reports the option set on the connected socket (on epoll also through Netty's own
   * constant, so the option's number is Linux's), and the socket carries the server's messages. io_uring may be
   * refused by the machine (a container's seccomp); epoll is always there on Linux.
   */
  @ParameterizedTest
  @ValueSource(strings = {"epoll", "io_uring"})
  void setsBindAddressNoPortOnTheConnectedSocket(String io) {
    IoTransport.Choice choice;
    try {
      choice = IoTransport.choose(io, "io");
    } catch (IllegalStateException unavailable) {
      assumeTrue(io.equals("io_uring"), unavailable.getMessage());
      throw unavailable;
    }
    int port = serve(ws -> ws.writeTextMessage("hello"));
    VertxInternal client = (VertxInternal) Vertx.builder().withTransport(choice.transport()).build();
    try {
      LeanWebSocket ws = Await.of(open(client, port, "/ws"), 10);
      assertThat(ws.option(LeanWebSocket.BIND_ADDRESS_NO_PORT)).isEqualTo(1);
      if (io.equals("epoll")) {
        assertThat(ws.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT)).isTrue();
      }
      Eventually.within(10, () -> assertThat(messages).containsExactly("hello"));
    } finally {
      Await.of(client.close(), 30);
    }
  }

  @Test
  void aRefusedUpgradeFailsTheConnectWithTheStatus() {
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1"))
        .requestHandler(req -> req.response().setStatusCode(404).end("no such channel"));
    int port = Await.of(server.listen(0), 10).actualPort();
    Future<LeanWebSocket> f = open(port, "/sub/x");
    Eventually.within(10, () -> assertThat(f.failed()).isTrue());
    assertThat(f.cause()).hasMessageContaining("HTTP/1.1 404");
  }

  /** A listener that accepts the connection and reads the request but never answers it. */
  @Test
  void anUpgradeThatNeverComesFailsTheConnectAtItsDeadlineAndClosesTheSocket() {
    AtomicInteger requests = new AtomicInteger();
    AtomicInteger gone = new AtomicInteger();
    NetServer server = vertx.createNetServer().connectHandler(so -> {
      so.handler(b -> requests.incrementAndGet());
      so.closeHandler(v -> gone.incrementAndGet());
    });
    int port = Await.of(server.listen(0, "127.0.0.1"), 10).actualPort();
    VertxInternal client = (VertxInternal) vertx;
    Future<LeanWebSocket> f = LeanWebSocket.connect(client, client.nettyEventLoopGroup().next(), null, "127.0.0.1",
        port, "/ws", false, 500);
    Eventually.within(10, () -> assertThat(f.failed()).isTrue());
    assertThat(f.cause()).hasMessageContaining("no WebSocket upgrade within 500 ms");
    assertThat(requests.get()).isPositive();
    Eventually.within(10, () -> assertThat(gone).hasValue(1));
  }

  /** Over TLS to a self-signed certificate, from no source address of its own. */
  @Test
  void readsMessagesOverTlsFromAnyCertificate() {
    int port = serveTls(ws -> ws.writeTextMessage("secret " + ws.isSsl()));
    VertxInternal client = (VertxInternal) vertx;
    Await.of(LeanWebSocket.connect(client, client.nettyEventLoopGroup().next(), null, "127.0.0.1", port, "/ws",
        true, 10_000).onSuccess(ws -> ws.handler((b, from, to) -> messages.add(b.getString(from, to)))), 10);
    Eventually.within(10, () -> assertThat(messages).containsExactly("secret true"));
  }

  /** A plain connection to a TLS listener: the upgrade request is not a TLS handshake, so no upgrade comes. */
  @Test
  void aPlainConnectionToATlsListenerFails() {
    int port = serveTls(ws -> ws.writeTextMessage("secret"));
    VertxInternal client = (VertxInternal) vertx;
    Future<LeanWebSocket> f = LeanWebSocket.connect(client, client.nettyEventLoopGroup().next(), null, "127.0.0.1",
        port, "/ws", false, 5_000);
    Eventually.within(10, () -> assertThat(f.failed()).isTrue());
  }

  private int serve(io.vertx.core.Handler<ServerWebSocket> handler) {
    return serve(new HttpServerOptions().setHost("127.0.0.1"), handler);
  }

  /** A WebSocket server over TLS with a self-signed certificate. */
  private int serveTls(io.vertx.core.Handler<ServerWebSocket> handler) {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    return serve(new HttpServerOptions().setHost("127.0.0.1").setSsl(true).setKeyCertOptions(cert.keyCertOptions()),
        handler);
  }

  private int serve(HttpServerOptions options, io.vertx.core.Handler<ServerWebSocket> handler) {
    HttpServer server = vertx.createHttpServer(options).webSocketHandler(handler);
    return Await.of(server.listen(0), 10).actualPort();
  }

  private Future<LeanWebSocket> open(int port, String uri) {
    return open((VertxInternal) vertx, port, uri);
  }

  private Future<LeanWebSocket> open(VertxInternal client, int port, String uri) {
    EventLoop loop = client.nettyEventLoopGroup().next();
    return LeanWebSocket.connect(client, loop, "127.0.0.2", "127.0.0.1", port, uri, false, 10_000)
        .onSuccess(ws -> ws.handler((b, from, to) -> messages.add(b.getString(from, to)))
            .closeHandler(closes::incrementAndGet));
  }
}
