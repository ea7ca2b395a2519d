package dev.herald.testing;

import dev.herald.config.TransportConfig;
import dev.herald.fanout.ChannelRouter;
import dev.herald.fanout.Hub;
import dev.herald.metrics.HeraldMetrics;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** A {@link Hub} without a node, for the fan-out tests: built on its own context, with the wall clock. */
public final class TestHubs {

  /** Heartbeat 25 s, idle cut 60 s, a 1 MiB outbound bound; no test waits for a heartbeat or the cut. */
  public static final TransportConfig TRANSPORT =
      new TransportConfig(25_000, 60_000, 30_000, 1_048_576, 30_000, 7, 128);

  private TestHubs() {
  }

  /** A hub on {@code context} (a hub is bound to the context it is made on) that routes through {@code router}. */
  public static Hub on(Vertx vertx, Context context, ChannelRouter router) {
    return on(vertx, context, router, TRANSPORT);
  }

  /** As {@link #on(Vertx, Context, ChannelRouter)} with the transport settings {@code transport}. */
  public static Hub on(Vertx vertx, Context context, ChannelRouter router, TransportConfig transport) {
    return Await.on(context, () -> new Hub(vertx, context, router, transport, System::currentTimeMillis,
        HeraldMetrics.standalone()));
  }
}
