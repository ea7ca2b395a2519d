package dev.herald.format;

import dev.herald.cluster.Addresses;
import dev.herald.fanout.Publisher;
import dev.herald.message.IngestItem;
import dev.herald.message.RenderedMessage;
import dev.herald.metrics.HeraldMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Formats each ingest item once and hands it to the {@link Publisher}; answers the request only after every channel
 * was committed and published, so ingest acknowledges nothing earlier. Node-local.
 */
public final class FormatterVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(FormatterVerticle.class.getName());

  private final Renderer renderer = new Renderer();
  private final Publisher publisher;
  private final HeraldMetrics metrics;
  private MessageConsumer<IngestItem> consumer;

  public FormatterVerticle(Publisher publisher, HeraldMetrics metrics) {
    this.publisher = publisher;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(Addresses.FORMAT, this::format);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister();
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
