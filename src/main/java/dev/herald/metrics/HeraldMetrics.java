package dev.herald.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.ToLongFunction;

/**
 * The node's Herald meters, all registered by the constructor so that each shows at zero before any traffic.
 * Recording is cheap and thread-safe: every event loop records into the same meters, deliveries into shards of its
 * own ({@link DeliveryMeter}). {@link #close()} removes them from the registry, so a node restarted on the
 * same Vert.x registers fresh gauges.
 */
public final class HeraldMetrics {

  private static final Duration[] LATENCY_SLOS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};
  private static final Duration MIN_LATENCY = Duration.ofMillis(1);
  private static final Duration MAX_LATENCY = Duration.ofSeconds(30);

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final Map<String, TransportMeters> transports = new HashMap<>();
  private final Map<String, Counter> limitHits = new HashMap<>();
  private final AtomicLong subscriptions = new AtomicLong();
  private final AtomicLong queuePending = new AtomicLong();
  private final AtomicLong queueLag = new AtomicLong();
  private final Counter ingested;
  private final Counter formatted;
  private final Counter committed;
  private final Counter dropped;
  private final Counter deadLettered;
  private final Counter catchUpSwitches;
  private final Counter historyReads;
  private final Counter historyReadFailures;
  private final DeliveryMeter deliveries;
  private final Timer commitLatency;
  private boolean closed;

  public HeraldMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (String t : Meters.TRANSPORTS) {
      transports.put(t, new TransportMeters(t));
    }
    for (String l : Meters.LIMITS) {
      limitHits.put(l, add(Counter.builder(Meters.LIMIT_HITS).tag(Meters.LIMIT, l)
          .description("Requests or frames refused by a limit").register(registry)));
    }
    add(Gauge.builder(Meters.SUBSCRIPTIONS, subscriptions, AtomicLong::get)
        .description("Channel subscriptions of this node's clients").register(registry));
    add(Gauge.builder(Meters.QUEUE_PENDING, queuePending, AtomicLong::get)
        .description("Ingest entries claimed and not yet acknowledged, all consumers").register(registry));
    add(Gauge.builder(Meters.QUEUE_LAG, queueLag, AtomicLong::get)
        .description("Ingest entries not yet claimed by any consumer; -1 unknown").register(registry));
    ingested = counter(Meters.INGESTED, "Entries claimed from the ingest queue");
    formatted = counter(Meters.FORMATTED, "Ingest items rendered by the formatter");
    committed = counter(Meters.COMMITTED, "Messages committed to a channel's history, one per channel");
    dropped = counter(Meters.DROPPED, "Live messages not written to a full client buffer (client catches up)");
    deadLettered = counter(Meters.DEAD_LETTERED, "Entries moved to the dead letters");
    catchUpSwitches = counter(Meters.CATCH_UP_SWITCHES, "Subscriptions switched to catch-up from history");
    historyReads = counter(Meters.HISTORY_READS, "History reads of subscriptions after their first: gaps, catch-up");
    historyReadFailures = counter(Meters.HISTORY_READ_FAILURES, "History reads that failed and were retried");
    deliveries = DeliveryMeter.acquire(registry, new DeliveryMeter.Spec(Meters.DELIVERED,
        "Message frames handed to a client socket, replays included", Meters.DELIVERY_LATENCY,
        "Producer accept to frame handed to the socket (live only)", LATENCY_SLOS, MIN_LATENCY, MAX_LATENCY,
        System::currentTimeMillis));
    commitLatency = timer(Meters.COMMIT_LATENCY, "Producer accept to committed to every channel");
  }

  /** Meters on a registry of their own, for nodes started on a Vert.x without metrics (plain unit tests). */
  public static HeraldMetrics standalone() {
    return new HeraldMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Publishes the number of channels this node receives, read at each scrape. */
  public void channelsGauge(IntSupplier channels) {
    add(Gauge.builder(Meters.CHANNELS, channels, IntSupplier::getAsInt)
        .strongReference(true)
        .description("Channels this node receives (one event-bus registration each), lingering ones included")
        .register(registry));
  }

  /**
   * {@link Meters#CHANNEL_REGISTRATIONS}, read from {@code source} (a running total) at each scrape. The meter
   * holds {@code source} weakly, so it must live as long as the node (the router does).
   */
  public <T> void channelRegistrationsCounter(T source, ToLongFunction<T> made) {
    add(FunctionCounter.builder(Meters.CHANNEL_REGISTRATIONS, source, made::applyAsLong)
        .description("Channel registrations made: a channel's first local subscriber with none in effect")
        .register(registry));
  }

  /** The meters of one transport (one of {@link Meters#TRANSPORTS}). */
  public TransportMeters transport(String name) {
    TransportMeters t = transports.get(name);
    if (t == null) {
      throw new IllegalArgumentException("unknown transport " + name);
    }
    return t;
  }

  public void ingested() {
    ingested.increment();
  }

  public void formatted() {
    formatted.increment();
  }

  /** A message committed to {@code channels} channels, accepted by the producer at {@code acceptedAtMillis}. */
  public void committed(int channels, long acceptedAtMillis) {
    committed.increment(channels);
    if (acceptedAtMillis > 0) {
      commitLatency.record(Math.max(0, System.currentTimeMillis() - acceptedAtMillis), TimeUnit.MILLISECONDS);
    }
  }

  /** A replayed frame (history) handed to a socket: counted as a delivery, with no latency. */
  public void replayed() {
    deliveries.delivered(0, 1);
  }

  /** {@code count} live frames of one message handed to sockets just now. */
  public void delivered(long acceptedAtMillis, int count) {
    deliveries.delivered(acceptedAtMillis, count);
  }

  public void dropped() {
    dropped.increment();
  }

  public void deadLettered() {
    deadLettered.increment();
  }

  public void catchUpSwitch() {
    catchUpSwitches.increment();
  }

  public void historyRead() {
    historyReads.increment();
  }

  public void historyReadFailed() {
    historyReadFailures.increment();
  }

  /** A refusal by the limit named {@code limit} (one of {@link Meters#LIMITS}). */
  public void limitHit(String limit) {
    Counter c = limitHits.get(limit);
    if (c != null) {
      c.increment();
    }
  }

  public void subscribed() {
    subscriptions.incrementAndGet();
  }

  public void unsubscribed() {
    subscriptions.decrementAndGet();
  }

  /** The latest polled pending count of the ingest queue. */
  public void queuePending(long entries) {
    queuePending.set(entries);
  }

  /** The latest polled lag of the ingest queue (entries not yet claimed). */
  public void queueLag(long entries) {
    queueLag.set(entries);
  }

  /** Removes this node's meters from the registry. */
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    deliveries.release();
    meters.forEach(registry::remove);
    meters.clear();
  }

  private Counter counter(String name, String description) {
    return add(Counter.builder(name).description(description).register(registry));
  }

  private Timer timer(String name, String description) {
    return add(Timer.builder(name).description(description).publishPercentileHistogram()
        .serviceLevelObjectives(LATENCY_SLOS).minimumExpectedValue(MIN_LATENCY)
        .maximumExpectedValue(MAX_LATENCY).register(registry));
  }

  /** Client connections opened since start, on every transport: how the start-up warm-up notices other clients. */
  public long connectionsOpened() {
    long n = 0;
    for (TransportMeters t : transports.values()) {
      n += (long) t.opened.count();
    }
    return n;
  }

  private <M extends Meter> M add(M meter) {
    meters.add(meter);
    return meter;
  }

  /** Connection meters of one transport. */
  public final class TransportMeters {
    private final AtomicLong open = new AtomicLong();
    private final Counter opened;
    private final Counter closed;
    private final Counter cut;

    private TransportMeters(String transport) {
      add(Gauge.builder(Meters.CONNECTIONS, open, AtomicLong::get).tag(Meters.TRANSPORT, transport)
          .description("Open client connections").register(registry));
      opened = add(Counter.builder(Meters.CONNECTIONS_OPENED).tag(Meters.TRANSPORT, transport)
          .description("Client connections opened").register(registry));
      closed = add(Counter.builder(Meters.CONNECTIONS_CLOSED).tag(Meters.TRANSPORT, transport)
          .description("Client connections closed").register(registry));
      cut = add(Counter.builder(Meters.CONNECTIONS_CUT).tag(Meters.TRANSPORT, transport)
          .description("Closing connections cut after the closing timeout, their last bytes unsent")
          .register(registry));
    }

    public void opened() {
      open.incrementAndGet();
      opened.increment();
    }

    public void closed() {
      open.decrementAndGet();
      closed.increment();
    }

    public void cut() {
      cut.increment();
    }
  }
}
