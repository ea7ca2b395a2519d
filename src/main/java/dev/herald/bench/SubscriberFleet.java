package dev.herald.bench;

import dev.herald.wsclient.LeanWebSocket;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Subscribers {@code from..to-1} of a run: subscriber {@code i} subscribes to channel
 * {@code <channel-prefix>(i % channels)} ({@code bench:} by default), connects to the server's port {@code ports[i % ports.length]} (one port per node
 * of a cluster) and from source address {@code 127.0.0.(2 + i % sources)}, so the
 * ephemeral ports (and TIME_WAIT entries) of a large fleet are spread over several loopback addresses. Vert.x can
 * bind a client's local address ({@code WebSocketClientOptions.setLocalAddress}, {@code HttpClientOptions} likewise),
 * so there is one client per source address: a {@code WebSocketClient} for SockJS (and for plain WebSockets with
 * {@code --client-ws vertx}), an {@code HttpClient} whose pool holds one connection per SSE stream for SSE; plain
 * WebSockets ({@code /ws}, nchan's {@code /sub}) are {@link LeanWebSocket}s by default, bound to their source
 * address. Subscriber {@code i} is opened on event loop {@code i mod loops}: Vert.x binds a connection to the
 * event loop of the context that opens it, and gives every call from one non-Vert.x thread the same ("sticky")
 * event loop, so a fleet opened from its main thread ran every socket on one loop and read each burst on one core.
 * The lean client is put on the same loops. Counters are thread-safe; each
 * connection's own state is touched only on its event loop.
 */
final class SubscriberFleet {

  private final Vertx vertx;
  private final Target target;
  private final Transport transport;
  private final String host;
  private final List<Integer> ports;
  private final int from;
  private final int to;
  private final int channels;
  private final String channelPrefix;
  private final int firstChannel;
  private final int concurrency;
  private final int sources;
  /** Plain WebSocket subscribers on {@link LeanWebSocket} rather than Vert.x's client. */
  private final boolean leanClient;
  private final List<WebSocketClient> clients = new ArrayList<>();
  private final List<HttpClient> httpClients = new ArrayList<>();
  private final Conn[] conns;
  /** One context per event loop of the fleet's Vert.x, where its connections are opened. */
  private final List<ContextInternal> loops = new ArrayList<>();
  /** The threads that have read a message: one per event loop in use. */
  private final Set<String> readingThreads = ConcurrentHashMap.newKeySet();

  private final LongAdder unique = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder orderViolations = new LongAdder();
  private final Recorder latency = new Recorder(3);
  private final FirstDeliveries firsts;
  private final AtomicLong handshakesDone = new AtomicLong();
  private final AtomicLong subscribedCount = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  /** Connections told to come back later (reconnect storm admission) and not back yet. */
  private final AtomicLong awaitingRetry = new AtomicLong();
  private final AtomicLong lastSubscribedNanos = new AtomicLong();
  private final AtomicReference<String> firstError = new AtomicReference<>();
  /** Connections the server closed after they had subscribed: each stops receiving, and shows as loss. */
  private final AtomicLong closedAfterSubscribe = new AtomicLong();
  private volatile boolean closing;

  SubscriberFleet(Vertx vertx, Target target, Transport transport, String host, List<Integer> ports, int from,
                  int to, int channels, String channelPrefix, int firstChannel, int sources, int concurrency,
                  ClientWebSocket clientWebSocket) {
    this.vertx = vertx;
    this.target = target;
    this.transport = transport;
    this.host = host;
    this.ports = List.copyOf(ports);
    this.from = from;
    this.to = to;
    this.channels = channels;
    this.firsts = new FirstDeliveries(channels);
    this.channelPrefix = channelPrefix;
    this.firstChannel = firstChannel;
    this.concurrency = concurrency;
    this.sources = sources;
    this.leanClient = transport == Transport.WS && clientWebSocket == ClientWebSocket.LEAN;
    for (int s = 0; s < sources && !leanClient; s++) {
      String local = sourceAddress(s);
      if (transport.webSocket()) {
        clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(local)
            .setMaxConnections(to - from + 1).setConnectTimeout(30_000).setTcpNoDelay(true)
            .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 21)));
      } else {
        // An SSE stream holds its connection for good: the pool must have one per stream.
        httpClients.add(vertx.createHttpClient(new HttpClientOptions().setLocalAddress(local).setKeepAlive(true)
            .setConnectTimeout(30_000).setTcpNoDelay(true), new PoolOptions().setHttp1MaxSize(to - from + 1)));
      }
    }
    this.conns = new Conn[to - from];
    VertxInternal internal = (VertxInternal) vertx;
    for (EventExecutor loop : internal.eventLoopGroup()) {
      loops.add(internal.contextBuilder().withEventLoop((EventLoop) loop).build());
    }
  }

  private static String sourceAddress(int s) {
    return "127.0.0." + (2 + s);
  }

  /** Names of the threads that have read a message since the fleet opened (one per event loop in use). */
  Set<String> readingThreads() {
    return Set.copyOf(readingThreads);
  }

  /** Channel {@code index}'s name ({@code --channel-prefix}, e.g. {@code bench:3}), counted from firstChannel. */
  String channel(int index) {
    return channelPrefix + (firstChannel + index);
  }

  /**
   * Result of {@link #connect}: counts and elapsed times since the call; {@code perPort[k]}: connections
   * established to the k-th port.
   */
  record ConnectResult(long ok, long failed, long subscribed, long handshakeNanos, long subscribedNanos,
                       long[] perPort, String firstError) {
  }

  /**
   * Opens every connection with at most {@code concurrency} handshakes in flight; completes when each has
   * succeeded or failed and every successful one is subscribed (or {@code subscribeWaitMs} passed).
   */
  Future<ConnectResult> connect(long subscribeWaitMs) {
    long start = System.nanoTime();
    AtomicInteger next = new AtomicInteger(from);
    AtomicInteger finished = new AtomicInteger();
    AtomicLong lastHandshake = new AtomicLong(start);
    Promise<Void> handshakes = Promise.promise();
    int total = to - from;
    if (total == 0) {
      handshakes.complete();
    }
    for (int k = 0; k < Math.min(concurrency, total); k++) {
      chain(next, finished, total, handshakes, lastHandshake);
    }
    Promise<ConnectResult> result = Promise.promise();
    handshakes.future().onComplete(v -> {
      long deadline = System.nanoTime() + subscribeWaitMs * 1_000_000;
      vertx.setPeriodic(20, t -> {
        boolean settled = subscribedCount.get() >= handshakesDone.get() && awaitingRetry.get() == 0;
        if (settled || System.nanoTime() > deadline) {
          vertx.cancelTimer(t);
          long subNanos = subscribedCount.get() == 0 ? 0 : lastSubscribedNanos.get() - start;
          result.complete(new ConnectResult(handshakesDone.get(), failed.get(), subscribedCount.get(),
              lastHandshake.get() - start, Math.max(0, subNanos), establishedPerPort(), firstError.get()));
        }
      });
    });
    return result.future();
  }

  private void chain(AtomicInteger next, AtomicInteger finished, int total, Promise<Void> done,
                     AtomicLong lastHandshake) {
    int i = next.getAndIncrement();
    if (i >= to) {
      return;
    }
    Conn c = new Conn(i % channels, i);
    conns[i - from] = c;
    loops.get((i - from) % loops.size()).runOnContext(v -> c.open().onComplete(r -> {
      if (r.succeeded()) {
        handshakesDone.incrementAndGet();
        lastHandshake.accumulateAndGet(System.nanoTime(), Math::max);
        if (target.subscribedOnUpgrade()) {
          c.markSubscribed();
        }
      } else {
        failed.incrementAndGet();
        firstError.compareAndSet(null, r.cause().toString());
      }
      if (finished.incrementAndGet() == total) {
        done.tryComplete();
      } else {
        chain(next, finished, total, done, lastHandshake);
      }
    }));
  }

  /** Starts a new measurement step: counters and latencies from now on. */
  void reset() {
    for (Conn c : conns) {
      if (c != null) {
        c.seqAtReset = c.lastSeq;
      }
    }
    unique.reset();
    duplicates.reset();
    orderViolations.reset();
    latency.getIntervalHistogram();
    firsts.drain();
  }

  long uniqueReceived() {
    return unique.sum();
  }

  /** Open connections to each port. */
  private long[] establishedPerPort() {
    long[] n = new long[ports.size()];
    for (int i = from; i < to; i++) {
      Conn c = conns[i - from];
      if (c != null && c.established()) {
        n[i % ports.size()]++;
      }
    }
    return n;
  }

  /** Messages each connection should have received, given how many were published on each channel. */
  long expected(long[] publishedPerChannel) {
    long e = 0;
    for (int i = from; i < to; i++) {
      Conn c = conns[i - from];
      if (c != null && c.established()) {
        e += publishedPerChannel[c.channel];
      }
    }
    return e;
  }

  /**
   * Connections that received nothing since the last reset although their channel had messages: with a loss, says
   * whether whole subscribers (a dead connection, a stuck subscription) or scattered messages went missing.
   */
  long silent(long[] publishedPerChannel) {
    long n = 0;
    for (int i = from; i < to; i++) {
      Conn c = conns[i - from];
      if (isSilent(c, publishedPerChannel)) {
        n++;
      }
    }
    return n;
  }

  /** The channels of the {@link #silent} connections, each once and in order: one stuck channel or many. */
  SortedSet<Integer> silentChannels(long[] publishedPerChannel) {
    SortedSet<Integer> channels = new TreeSet<>();
    for (int i = from; i < to; i++) {
      Conn c = conns[i - from];
      if (isSilent(c, publishedPerChannel)) {
        channels.add(c.channel);
      }
    }
    return channels;
  }

  private static boolean isSilent(Conn c, long[] publishedPerChannel) {
    return c != null && c.established() && publishedPerChannel[c.channel] > 0 && c.lastSeq == c.seqAtReset;
  }

  long closedAfterSubscribe() {
    return closedAfterSubscribe.get();
  }

  long duplicates() {
    return duplicates.sum();
  }

  long orderViolations() {
    return orderViolations.sum();
  }

  /** Each message's earliest delivery since the last reset (or the last call): {@link FirstDeliveries#drain}. */
  long[] firstDeliveries() {
    return firsts.drain();
  }

  /** Latencies recorded since the last reset (or the last call), in microseconds. */
  Histogram latency() {
    return latency.getIntervalHistogram();
  }

  /**
   * Closes every connection but keeps the fleet's clients and threads, so that {@link #connect} can run again on a
   * JIT-warm process: the connect scenarios' warm-up. Counts start again from zero once every close is done.
   */
  Future<Void> disconnect() {
    List<Future<?>> all = new ArrayList<>();
    for (Conn c : conns) {
      if (c != null) {
        all.add(c.close());
      }
    }
    return Future.join(all).eventually(() -> {
      Arrays.fill(conns, null);
      handshakesDone.set(0);
      subscribedCount.set(0);
      failed.set(0);
      awaitingRetry.set(0);
      lastSubscribedNanos.set(0);
      firstError.set(null);
      closedAfterSubscribe.set(0);
      reset();
      return Future.succeededFuture();
    }).mapEmpty();
  }

  Future<Void> close() {
    closing = true;
    List<Future<Void>> all = new ArrayList<>();
    for (WebSocketClient c : clients) {
      all.add(c.close());
    }
    for (HttpClient c : httpClients) {
      all.add(c.close());
    }
    for (Conn c : conns) {
      if (c != null && c.lean != null) {
        all.add(c.lean.close());
      }
    }
    return Future.join(all).mapEmpty();
  }

  static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
  }

  /**
   * One connection. Only touched on its event loop once open, except {@link #lastSeq} and {@link #seqAtReset},
   * which {@link #reset()} and {@link #silent} also touch between steps, after the drain, when nothing is in flight.
   */
  private final class Conn implements Consumer<Target.Frame>, LeanWebSocket.MessageHandler {
    final int channel;
    final int index;
    final Target.Frame frame = new Target.Frame();
    WebSocket ws;
    LeanWebSocket lean;
    HttpClientResponse sse;
    long lastSeq;
    /** {@link #lastSeq} when the current step began (set by {@link #reset()} between steps). */
    long seqAtReset;
    boolean subscribed;
    boolean readOne;
    /** Closed by the fleet ({@link #disconnect}), not by the server. */
    volatile boolean leaving;

    Conn(int channel, int index) {
      this.channel = channel;
      this.index = index;
    }

    boolean established() {
      return ws != null || sse != null || lean != null;
    }

    /** Closes this connection alone (its client stays open). */
    Future<?> close() {
      // Its close handler may run after the fleet's disconnect is over: the flag stays with the connection.
      leaving = true;
      if (lean != null) {
        return lean.close();
      }
      if (ws != null) {
        return ws.close();
      }
      return sse == null ? Future.succeededFuture() : sse.request().connection().close();
    }

    /** Opens the WebSocket or the SSE stream and attaches the frame handler. */
    Future<?> open() {
      int port = ports.get(index % ports.size());
      String uri = transport.subscribePath(target, channel(channel), index);
      if (!transport.webSocket()) {
        // nchan picks its EventSource subscriber by the Accept header; Herald's /sse ignores it.
        RequestOptions o = new RequestOptions().setHost(host).setPort(port).setURI(uri)
            .addHeader("Accept", "text/event-stream");
        return httpClients.get(index % httpClients.size()).request(o).compose(HttpClientRequest::send)
            .compose(this::attachSse);
      }
      if (leanClient) {
        EventLoop loop = loops.get((index - from) % loops.size()).nettyEventLoop();
        return LeanWebSocket.connect((VertxInternal) vertx, loop, sourceAddress(index % sources), host, port, uri,
            false, 30_000).onSuccess(this::attach);
      }
      WebSocketConnectOptions o = new WebSocketConnectOptions().setHost(host).setPort(port).setURI(uri);
      return clients.get(index % clients.size()).connect(o).onSuccess(this::attach);
    }

    /**
     * The server refused this connection for now (reconnect storm admission): it no longer counts as established;
     * reconnect once the server's {@code retryAfterMs} has passed, as a client honouring it does.
     */
    void retryLater(long retryAfterMs) {
      if (ws == null && lean == null) {
        // An SSE stream is refused with 503 before it starts; a disconnect on an open one is only noted.
        firstError.compareAndSet(null, "disconnect frame on an open stream");
        return;
      }
      handshakesDone.decrementAndGet();
      awaitingRetry.incrementAndGet();
      if (lean != null) {
        LeanWebSocket refused = lean;
        lean = null;
        refused.closeHandler(() -> reopenAfter(retryAfterMs));
        return;
      }
      WebSocket refused = ws;
      ws = null;
      refused.closeHandler(v -> reopenAfter(retryAfterMs));
    }

    private void reopenAfter(long delayMs) {
      vertx.setTimer(Math.max(1, delayMs), t -> open().onComplete(r -> {
        if (r.succeeded()) {
          handshakesDone.incrementAndGet();
          awaitingRetry.decrementAndGet();
        } else {
          reopenAfter(Math.max(100, delayMs));
        }
      }));
    }

    void attach(WebSocket ws) {
      this.ws = ws;
      if (transport == Transport.SOCKJS) {
        String subscribe = Transport.sockJsSubscribe(channel(channel));
        ws.handler(b -> {
          // Subscribes once SockJS has opened the session; an a[...] frame may carry several Herald frames.
          if (SockJsFrames.scan(b, frame, this) == SockJsFrames.OPEN) {
            ws.writeTextMessage(subscribe);
          }
        });
      } else {
        ws.handler(b -> {
          Target.scan(b, frame);
          accept(frame);
        });
      }
      ws.exceptionHandler(e -> firstError.compareAndSet(null, e.toString()));
      ws.closeHandler(v -> closedByServer());
    }

    void attach(LeanWebSocket ws) {
      this.lean = ws;
      ws.handler(this);
      ws.exceptionHandler(e -> firstError.compareAndSet(null, e.toString()));
      ws.closeHandler(this::closedByServer);
    }

    /** One plain WebSocket message, read by {@link LeanWebSocket}. */
    @Override
    public void message(Buffer b, int start, int end) {
      // Not from/to: those name the fleet's range of subscribers here.
      Target.scan(b, start, end, Target.Keys.PLAIN, frame);
      accept(frame);
    }

    private void closedByServer() {
      if (subscribed && !closing && !leaving) {
        closedAfterSubscribe.incrementAndGet();
      }
    }

    /** A stream is open once its response head says 200 (a refusal is 503 or 429 with a JSON body). */
    Future<Void> attachSse(HttpClientResponse resp) {
      if (resp.statusCode() != 200) {
        return resp.body().transform(b -> Future.<Void>failedFuture("HTTP " + resp.statusCode()
            + (b.succeeded() ? " " + b.result() : "")));
      }
      // Set on the event loop as the head arrives, before any chunk of the body is handled.
      this.sse = resp;
      SseStream stream = new SseStream(this);
      resp.handler(stream::feed);
      resp.exceptionHandler(e -> firstError.compareAndSet(null, e.toString()));
      resp.endHandler(v -> closedByServer());
      return Future.succeededFuture();
    }

    /** One Herald frame, scanned. */
    @Override
    public void accept(Target.Frame frame) {
      if (frame.kind == Target.Frame.RETRY && !subscribed) {
        retryLater(frame.retryAfterMs);
      } else if (frame.kind == Target.Frame.MESSAGE) {
        long micros = Math.max(0, nowMicros() - frame.sentMicros);
        latency.recordValue(micros);
        firsts.record(channel, frame.seq, micros);
        if (!readOne) {
          readOne = true;
          readingThreads.add(Thread.currentThread().getName());
        }
        if (frame.seq > lastSeq) {
          lastSeq = frame.seq;
          unique.increment();
        } else if (frame.seq == lastSeq) {
          duplicates.increment();
        } else {
          orderViolations.increment();
        }
      } else if (frame.kind == Target.Frame.SUBSCRIBED) {
        markSubscribed();
      }
    }

    void markSubscribed() {
      if (!subscribed) {
        subscribed = true;
        subscribedCount.incrementAndGet();
        lastSubscribedNanos.accumulateAndGet(System.nanoTime(), Math::max);
      }
    }
  }
}
