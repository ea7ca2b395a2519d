package dev.herald.wsclient;

import dev.herald.IoTransport;
import dev.herald.config.NodeConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * A WebSocket read straight off its Netty channel: the load generator's plain WebSocket subscribers
 * ({@code --client-ws lean}, the default) and the node's start-up warm-up. Both must cost less than the work they
 * stand beside. A profile of the generator's workers on Vert.x's WebSocket client (BENCHMARKS.md, "The Redis history
 * trimmed in batches") spent 23 % of their samples in Vert.x's per-frame path (a {@code Buffer} and a queue entry
 * per frame, then a dispatch), time the server under test does not get. Here a frame is scanned where it lies in the
 * channel's read buffer, with one {@code Buffer} view per read, not per frame.
 *
 * <p>Every write carries the channel's void promise, as the node's deliveries do. In the node's JVM the warm-up's
 * writes pass through the same Netty classes as the deliveries: with Netty's default promise on them the node spent
 * 23 % more CPU per fan-out delivery afterwards (six pairs), nearly all of it user time, as after a warm-up through
 * Vert.x's client, whose profile showed an unresolved interface call under {@code ChannelOutboundBuffer.addFlush},
 * where each write's promise is called. With the void promise the cost fell to 6 % on the means of nine pairs,
 * though not in every run; seven later pairs put it at 22 %, and a warm-up that left that call resolved cost as
 * much, so the promise is not the whole cause (BENCHMARKS.md, "A warm-up without Vert.x's client", "The start-up
 * warm-up's cost looked into").
 *
 * <p>What a subscriber needs of RFC 6455 and no more: the upgrade request and the {@code 101} answer (its headers
 * are not checked beyond the status), unmasked server frames of any length, messages fragmented over continuation
 * frames, a masked pong for each ping and a masked close answering the server's. It sends no data frames: Herald's
 * {@code /ws?channels=} and nchan's {@code /sub/<channel>} subscribe on upgrade. TLS, when asked for, trusts any
 * certificate: its callers reach their own node or a server under test on loopback. Everything runs on the
 * channel's event loop, one of the caller's Vert.x loops, with Vert.x's socket options for a client.
 */
public final class LeanWebSocket {

  /** One whole text or binary message: bytes {@code from} (inclusive) to {@code to} of {@code b}, during the call. */
  public interface MessageHandler {
    void message(Buffer b, int from, int to);
  }

  /** Larger messages close the connection: a bench frame is a few hundred bytes. */
  private static final int MAX_MESSAGE = 1 << 21;
  /** Longer answers to the upgrade close the connection. */
  private static final int MAX_HEAD = 16_384;
  /** How long the client waits for the server to close the socket after the close frames (Vert.x: 10 s). */
  public static final long CLOSE_WAIT_MS = 2_000;
  private static final int OP_CONTINUATION = 0x0;
  private static final int OP_CLOSE = 0x8;
  private static final int OP_PING = 0x9;
  private static final int OP_PONG = 0xA;
  /**
   * {@code IP_BIND_ADDRESS_NO_PORT} ({@code SOL_IP}, 24 in Linux's {@code <linux/in.h>}; Netty's io_uring transport
   * has no constant for it): the source port of a socket bound to an address is chosen at {@code connect()}, by the
   * whole address pair, not by the {@code bind()}. Bound to port 0, a fleet opened within a minute of a large one
   * from the same addresses connected at less than half the rate, the earlier sockets' {@code TIME_WAIT} entries
   * slowing the {@code bind()}'s choice of a port, as we read it (BENCHMARKS.md, "The generator's source ports").
   */
  public static final IntegerUnixChannelOption BIND_ADDRESS_NO_PORT =
      new IntegerUnixChannelOption("IP_BIND_ADDRESS_NO_PORT", 0, 24);

  private final Channel channel;
  private MessageHandler handler;
  private Runnable closeHandler;
  private Consumer<Throwable> exceptionHandler;
  private boolean closeSent;

  private LeanWebSocket(Channel channel) {
    this.channel = channel;
  }

  /**
   * Opens a WebSocket to {@code host:port}{@code uri} on {@code loop}, from {@code localAddress} (its port chosen at
   * connect) or, when null, from whatever address the kernel picks; over TLS when {@code tls}. Completes, on that
   * loop, once the server has answered {@code 101}, before any frame that followed the answer is handled; fails when
   * the connection, the TLS handshake or the upgrade has not completed within {@code timeoutMs}.
   */
  public static Future<LeanWebSocket> connect(VertxInternal vertx, EventLoop loop, String localAddress, String host,
                                              int port, String uri, boolean tls, int timeoutMs) {
    Promise<LeanWebSocket> opened = Promise.promise();
    Bootstrap b = new Bootstrap().group(loop).channelFactory(vertx.transport().channelFactory(false));
    vertx.transport().configure(new WebSocketClientOptions().setTcpNoDelay(true), timeoutMs, false, b);
    if (localAddress != null && !NodeConfig.NIO.equals(IoTransport.nameOf(vertx))) {
      b.option(BIND_ADDRESS_NO_PORT, 1); // epoll or io_uring: a Linux option, which NIO's channels do not take
    }
    String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    byte[] request = ("GET " + uri + " HTTP/1.1\r\nHost: " + authority + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    b.handler(new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        if (tls) {
          // Writes before the TLS handshake completes wait in the handler: the upgrade request goes out after it.
          ch.pipeline().addLast(TrustAll.CONTEXT.newHandler(ch.alloc(), host, port));
        }
        ch.pipeline().addLast(new Decoder(request, opened));
      }
    });
    InetSocketAddress remote = new InetSocketAddress(host, port);
    ChannelFuture connecting = localAddress == null ? b.connect(remote)
        : b.connect(remote, new InetSocketAddress(localAddress, 0));
    connecting.addListener(f -> {
      if (!f.isSuccess()) {
        opened.tryFail(f.cause());
      }
    });
    ScheduledFuture<?> deadline = loop.schedule(() -> {
      if (opened.tryFail("no WebSocket upgrade within " + timeoutMs + " ms")) {
        connecting.channel().close();
      }
    }, timeoutMs, TimeUnit.MILLISECONDS);
    opened.future().onComplete(r -> deadline.cancel(false));
    return opened.future();
  }

  /** Built once: a client context that trusts any certificate. */
  private static final class TrustAll {
    static final SslContext CONTEXT;

    static {
      try {
        CONTEXT = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
      } catch (SSLException e) {
        throw new IllegalStateException("no TLS client context: " + e.getMessage(), e);
      }
    }
  }

  /** A socket option as the channel reports it; Unix options are read from the kernel. */
  public <T> T option(ChannelOption<T> option) {
    return channel.config().getOption(option);
  }

  public LeanWebSocket handler(MessageHandler handler) {
    this.handler = handler;
    return this;
  }

  /** Called once, on the event loop, when the connection is gone (closed by either side or broken). */
  public LeanWebSocket closeHandler(Runnable closeHandler) {
    this.closeHandler = closeHandler;
    return this;
  }

  public LeanWebSocket exceptionHandler(Consumer<Throwable> exceptionHandler) {
    this.exceptionHandler = exceptionHandler;
    return this;
  }

  /**
   * Starts the closing handshake (1000) and completes once the socket is closed: as RFC 6455 asks of a client, the
   * server closes the TCP connection after its close frame, or the client does after {@link #CLOSE_WAIT_MS}. Vert.x's
   * client, the generator's before this one, closes the same way, so a server sees the same closing from either.
   */
  public Future<Void> close() {
    Promise<Void> closed = Promise.promise();
    channel.eventLoop().execute(() -> {
      channel.closeFuture().addListener(f -> closed.tryComplete());
      sendClose(1000);
    });
    return closed.future();
  }

  /** Sends a close frame unless one was sent, and closes the socket if the server has not after a while. */
  private void sendClose(int status) {
    if (!closeSent && channel.isActive()) {
      closeSent = true;
      channel.writeAndFlush(masked(channel, OP_CLOSE, new byte[] {(byte) (status >> 8), (byte) status}),
          channel.voidPromise());
      channel.eventLoop().schedule(() -> channel.close(), CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
    }
  }

  /** A client frame: FIN, {@code opcode}, a random masking key, {@code payload} (under 126 bytes) masked with it. */
  private static ByteBuf masked(Channel ch, int opcode, byte[] payload) {
    ByteBuf f = ch.alloc().buffer(6 + payload.length);
    f.writeByte(0x80 | opcode).writeByte(0x80 | payload.length);
    int key = ThreadLocalRandom.current().nextInt();
    f.writeInt(key);
    for (int i = 0; i < payload.length; i++) {
      f.writeByte(payload[i] ^ (key >>> (24 - 8 * (i & 3))));
    }
    return f;
  }

  private void failed(Throwable t) {
    if (exceptionHandler != null) {
      exceptionHandler.accept(t);
    }
  }

  /** The upgrade, then frames; handles each as soon as its last byte is read. */
  private static final class Decoder extends ByteToMessageDecoder {
    private final byte[] request;
    private final Promise<LeanWebSocket> opened;
    private LeanWebSocket ws;
    /** The parts of a fragmented message so far, or null. */
    private ByteBuf fragments;

    Decoder(byte[] request, Promise<LeanWebSocket> opened) {
      this.request = request;
      this.opened = opened;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      ctx.writeAndFlush(ctx.alloc().buffer(request.length).writeBytes(request), ctx.voidPromise());
      super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      if (ws == null && !upgraded(ctx, in)) {
        return;
      }
      Buffer view = null;
      while (in.readableBytes() >= 2 && ctx.channel().isActive()) {
        int r = in.readerIndex();
        int b0 = in.getUnsignedByte(r);
        int b1 = in.getUnsignedByte(r + 1);
        long length = b1 & 0x7F;
        int header = 2;
        if (length == 126) {
          if (in.readableBytes() < 4) {
            return;
          }
          length = in.getUnsignedShort(r + 2);
          header = 4;
        } else if (length == 127) {
          if (in.readableBytes() < 10) {
            return;
          }
          length = in.getLong(r + 2);
          header = 10;
        }
        if ((b1 & 0x80) != 0 || length < 0 || length > MAX_MESSAGE) {
          protocolError(ctx, (b1 & 0x80) != 0 ? "a masked frame from the server" : "a frame of " + length + " bytes");
          return;
        }
        if (in.readableBytes() < header + length) {
          return;
        }
        int from = r + header;
        int to = from + (int) length;
        in.readerIndex(to);
        int opcode = b0 & 0x0F;
        boolean fin = (b0 & 0x80) != 0;
        if (opcode >= OP_CLOSE) {
          control(ctx, opcode, in, from, to);
        } else if (fin && opcode != OP_CONTINUATION && fragments == null) {
          if (view == null) {
            view = BufferInternal.buffer(in);
          }
          deliver(view, from, to);
        } else {
          fragment(ctx, opcode, fin, in, from, to);
        }
      }
    }

    /** Reads the answer to the upgrade; true once it was {@code 101} and frames follow. */
    private boolean upgraded(ChannelHandlerContext ctx, ByteBuf in) {
      int end = endOfHead(in);
      if (end < 0) {
        if (in.readableBytes() > MAX_HEAD) {
          refused(ctx, "an answer to the upgrade longer than " + MAX_HEAD + " bytes");
        }
        return false;
      }
      String head = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
      in.readerIndex(end + 4);
      int eol = head.indexOf('\r');
      String status = eol < 0 ? head : head.substring(0, eol);
      if (!status.startsWith("HTTP/1.1 101")) {
        refused(ctx, "WebSocket upgrade refused: " + status);
        return false;
      }
      if (opened.future().isComplete()) {
        ctx.close(); // too late: the deadline failed the connect
        return false;
      }
      ws = new LeanWebSocket(ctx.channel());
      opened.complete(ws);
      return true;
    }

    /** Where the first {@code \r\n\r\n} in the readable bytes starts, or -1. */
    private static int endOfHead(ByteBuf in) {
      for (int i = in.readerIndex(), last = in.writerIndex() - 4; i <= last; i++) {
        if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n' && in.getByte(i + 2) == '\r'
            && in.getByte(i + 3) == '\n') {
          return i;
        }
      }
      return -1;
    }

    private void refused(ChannelHandlerContext ctx, String why) {
      opened.tryFail(why);
      ctx.close();
    }

    private void protocolError(ChannelHandlerContext ctx, String what) {
      ws.failed(new IllegalStateException("WebSocket protocol error: " + what));
      ws.sendClose(1002);
      ctx.close();
    }

    private void control(ChannelHandlerContext ctx, int opcode, ByteBuf in, int from, int to) {
      if (opcode == OP_PING) {
        byte[] payload = new byte[Math.min(125, to - from)];
        in.getBytes(from, payload);
        ctx.writeAndFlush(masked(ctx.channel(), OP_PONG, payload), ctx.voidPromise());
      } else if (opcode == OP_CLOSE) {
        // Answered, then the server closes the socket (or sendClose's timer does).
        int status = to - from >= 2 ? in.getUnsignedShort(from) : 1000;
        ws.sendClose(status);
      } else if (opcode != OP_PONG) {
        protocolError(ctx, "opcode " + opcode);
      }
    }

    private void fragment(ChannelHandlerContext ctx, int opcode, boolean fin, ByteBuf in, int from, int to) {
      if ((opcode == OP_CONTINUATION) == (fragments == null)) {
        protocolError(ctx, opcode == OP_CONTINUATION ? "a continuation of nothing" : "a new message inside one");
        return;
      }
      if (fragments == null) {
        fragments = ctx.alloc().heapBuffer(to - from);
      }
      if (fragments.readableBytes() + (to - from) > MAX_MESSAGE) {
        protocolError(ctx, "a fragmented message over " + MAX_MESSAGE + " bytes");
        return;
      }
      fragments.writeBytes(in, from, to - from);
      if (fin) {
        ByteBuf whole = fragments;
        fragments = null;
        try {
          deliver(BufferInternal.buffer(whole), whole.readerIndex(), whole.writerIndex());
        } finally {
          whole.release();
        }
      }
    }

    private void deliver(Buffer b, int from, int to) {
      if (ws.handler != null) {
        ws.handler.message(b, from, to);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (ws == null) {
        opened.tryFail(cause);
      } else {
        ws.failed(cause);
      }
      ctx.close();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
      if (fragments != null) {
        fragments.release();
        fragments = null;
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      super.channelInactive(ctx);
      if (ws == null) {
        opened.tryFail("connection closed before the WebSocket upgrade");
      } else if (ws.closeHandler != null) {
        ws.closeHandler.run();
      }
    }
  }
}
