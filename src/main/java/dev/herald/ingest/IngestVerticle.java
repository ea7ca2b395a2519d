package dev.herald.ingest;

import dev.herald.cluster.Addresses;
import dev.herald.config.IngestConfig;
import dev.herald.engine.Queue;
import dev.herald.engine.QueueEntry;
import dev.herald.format.FormatFailure;
import dev.herald.format.FormatterVerticle;
import dev.herald.message.IngestItem;
import dev.herald.metrics.HeraldMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Consumes the ingest queue: claims entries in batches, sends each to the formatter, and acknowledges it only after
 * the formatter answered that it was committed and published. Malformed entries are dead-lettered at once with the
 * reason; transient failures are retried with capped jittered backoff, then dead-lettered. Entries left pending by
 * a dead consumer are taken over. Never stops on bad data. Only touched on this verticle's event loop.
 */
public final class IngestVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(IngestVerticle.class.getName());
  private static final long FORMAT_TIMEOUT_MS = 30_000;

  private final Queue queue;
  private final IngestConfig config;
  private final EntryParser parser;
  private final Backoff backoff;
  private final HeraldMetrics metrics;
  private final Predicate<Context> formatterOnLoop;
  private String formatAddress = Addresses.FORMAT;
  private final Set<String> inFlight = new HashSet<>();
  private List<QueueEntry> toAck = new ArrayList<>();
  private final DeliveryOptions formatOptions = new DeliveryOptions().setLocalOnly(true)
      .setSendTimeout(FORMAT_TIMEOUT_MS);
  private boolean running;
  private boolean reading;
  private int readFailures;
  private long claimTimer = -1;
  private long trimTimer = -1;
  private Promise<Void> drained;

  public IngestVerticle(Queue queue, IngestConfig config, int maxEntryBytes, HeraldMetrics metrics) {
    this(queue, config, maxEntryBytes, metrics, c -> false);
  }

  /**
   * {@code formatterOnLoop}: whether a {@link FormatterVerticle} runs on a context's event loop; this verticle then
   * asks that one ({@link FormatterVerticle#addressOn}) rather than any.
   */
  public IngestVerticle(Queue queue, IngestConfig config, int maxEntryBytes, HeraldMetrics metrics,
                        Predicate<Context> formatterOnLoop) {
    this.formatterOnLoop = formatterOnLoop;
    this.queue = queue;
    this.metrics = metrics;
    this.config = config;
    this.parser = new EntryParser(maxEntryBytes);
    this.backoff = new Backoff(config.retryBaseMs(), config.retryMaxMs());
  }

  @Override
  public Future<?> start() {
    running = true;
    if (formatterOnLoop.test(context)) {
      formatAddress = FormatterVerticle.addressOn(context);
    }
    claimTimer = vertx.setPeriodic(Math.max(100, config.claimIdleMs() / 2), t -> claimStale());
    if (config.trimIntervalMs() > 0) {
      trimTimer = vertx.setPeriodic(config.trimIntervalMs(), t -> queue.trim()
          .onFailure(e -> LOG.fine("trim failed: " + e.getMessage())));
    }
    read();
    return Future.succeededFuture();
  }

  /**
   * Stops claiming new entries and completes once every entry in flight was acknowledged or dead-lettered,
   * including those a read still under way returns: they are claimed by this consumer, so finishing them now is
   * quicker than leaving them for a take-over.
   */
  @Override
  public Future<?> stop() {
    running = false;
    vertx.cancelTimer(claimTimer);
    vertx.cancelTimer(trimTimer);
    drained = Promise.promise();
    completeDrainIfIdle();
    return drained.future();
  }

  private void completeDrainIfIdle() {
    if (drained != null && inFlight.isEmpty() && !reading) {
      drained.tryComplete();
    }
  }

  /** The context this verticle runs on (null before it is deployed). */
  public Context context() {
    return context;
  }

  /** Entries claimed and not yet acknowledged by this node. */
  public int inFlight() {
    return inFlight.size();
  }

  private void read() {
    if (!running || reading) {
      return;
    }
    if (inFlight.size() >= config.batchSize() * 4L) {
      return; // resumed by finish() once the formatter caught up
    }
    reading = true;
    queue.next(config.batchSize(), config.blockMs()).onComplete(r -> {
      reading = false;
      if (r.failed()) {
        completeDrainIfIdle();
        long delay = backoff.delayMs(++readFailures);
        if (readFailures == 1) {
          LOG.warning("ingest queue unavailable, retrying with backoff: " + r.cause().getMessage());
        }
        vertx.setTimer(delay, t -> read());
        return;
      }
      if (readFailures > 0) {
        LOG.info("ingest queue available again after " + readFailures + " failed reads");
        readFailures = 0;
      }
      for (QueueEntry e : r.result()) {
        start(e);
      }
      completeDrainIfIdle();
      read();
    });
  }

  private void claimStale() {
    if (!running) {
      return;
    }
    queue.claimStale(config.claimIdleMs(), config.batchSize()).onSuccess(entries -> {
      int taken = 0;
      for (QueueEntry e : entries) {
        if (!inFlight.contains(e.id())) {
          taken++;
          start(e);
        }
      }
      if (taken > 0) {
        LOG.info("took over " + taken + " entries pending on a stale consumer");
      }
    }).onFailure(e -> LOG.fine("claim failed: " + e.getMessage()));
  }

  private void start(QueueEntry entry) {
    if (inFlight.add(entry.id())) {
      metrics.ingested();
      process(entry, 1);
    }
  }

  private void process(QueueEntry entry, int attempt) {
    ParsedEntry parsed = parser.parse(entry.id(), entry.acceptedAtMillis(), entry.fields());
    if (parsed instanceof ParsedEntry.Rejected rejected) {
      deadLetter(entry, rejected.reason(), attempt);
      return;
    }
    IngestItem item = ((ParsedEntry.Accepted) parsed).item();
    vertx.eventBus().<Integer>request(formatAddress, item, formatOptions).onComplete(r -> {
      if (r.succeeded()) {
        acknowledge(entry);
      } else if (r.cause() instanceof ReplyException re && re.failureCode() == FormatFailure.REJECTED) {
        deadLetter(entry, re.getMessage(), attempt);
      } else if (attempt >= config.maxAttempts()) {
        deadLetter(entry, "failed " + attempt + " times, last: " + r.cause().getMessage(), attempt);
      } else {
        vertx.setTimer(backoff.delayMs(attempt), t -> process(entry, attempt + 1));
      }
    });
  }

  /**
   * Acknowledges the entry together with every other one whose formatter answered in this event-loop turn: one
   * XACK for a batch instead of one round trip per entry.
   */
  private void acknowledge(QueueEntry entry) {
    if (toAck.isEmpty()) {
      context.runOnContext(v -> flushAcks());
    }
    toAck.add(entry);
  }

  private void flushAcks() {
    List<QueueEntry> batch = toAck;
    toAck = new ArrayList<>();
    queue.ack(batch.stream().map(QueueEntry::id).toList()).onComplete(a -> {
      if (a.failed()) {
        // Left pending: they will be taken over and published again under their original ids, which
        // subscribers skip.
        LOG.warning("ack of " + batch.size() + " entries from " + batch.get(0).id() + " failed: "
            + a.cause().getMessage());
      }
      batch.forEach(this::finish);
    });
  }

  private void deadLetter(QueueEntry entry, String reason, int attempts) {
    queue.deadLetter(entry, reason, attempts).onComplete(r -> {
      if (r.failed()) {
        LOG.warning("dead-lettering " + entry.id() + " failed, it stays pending: " + r.cause().getMessage());
      } else {
        metrics.deadLettered();
        LOG.fine("dead-lettered " + entry.id() + ": " + reason);
      }
      finish(entry);
    });
  }

  private void finish(QueueEntry entry) {
    inFlight.remove(entry.id());
    completeDrainIfIdle();
    read();
  }
}
