package dev.herald.format;

import dev.herald.cluster.Addresses;
import dev.herald.fanout.Publisher;
import dev.herald.message.IngestItem;
import dev.herald.message.RenderedMessage;
import dev.herald.metrics.HeraldMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Formats each ingest item once and hands it to the {@link Publisher}; answers the request only after every channel
 * was committed and published, so ingest acknowledges nothing earlier. Node-local.
 *
 * <p>A node runs one instance per event loop. Each answers on {@link Addresses#FORMAT} and on an address of its own
 * loop ({@link #addressOn}): ingest asks the formatter on its own loop, so an entry is formatted, committed and
 * published without waking another thread. On the 2-core benchmark VM every wake-up of another loop was a chance to
 * wait behind a busy core (a kernel thread held one for up to 28 ms; BENCHMARKS.md, "Light load's tail"), and the
 * messages of light load's tail had waited there before their fan-out began.
 */
public final class FormatterVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(FormatterVerticle.class.getName());

  private final Renderer renderer = new Renderer();
  private final Publisher publisher;
  private final HeraldMetrics metrics;
  private MessageConsumer<IngestItem> consumer;
  private MessageConsumer<IngestItem> loopConsumer;

  public FormatterVerticle(Publisher publisher, HeraldMetrics metrics) {
    this.publisher = publisher;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(Addresses.FORMAT, this::format);
    loopConsumer = vertx.eventBus().localConsumer(addressOn(context), this::format);
    return Future.all(consumer.completion(), loopConsumer.completion());
  }

  @Override
  public Future<?> stop() {
    return Future.all(consumer.unregister(), loopConsumer.unregister());
  }

  /** The address the formatter running on {@code context}'s event loop answers on, besides the shared one. */
  public static String addressOn(Context context) {
    return Addresses.FORMAT + "@" + System.identityHashCode(((ContextInternal) context).nettyEventLoop());
  }

  /** The context this instance runs on (null before it is deployed). */
  public Context context() {
    return context;
  }

  private void format(Message<IngestItem> request) {
    RenderedMessage rendered;
    try {
      rendered = renderer.render(request.body());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot format entry " + request.body().entryId(), e);
      request.fail(FormatFailure.REJECTED, "cannot format: " + e.getMessage());
      return;
    }
    metrics.formatted();
    publisher.publish(rendered).onComplete(r -> {
      if (r.succeeded()) {
        metrics.committed(r.result().size(), rendered.acceptedAtMillis());
        request.reply(r.result().size());
      } else {
        request.fail(FormatFailure.TRANSIENT, "commit failed: " + r.cause().getMessage());
      }
    });
  }
}
