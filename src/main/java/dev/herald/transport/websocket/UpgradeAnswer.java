package dev.herald.transport.websocket;

import dev.herald.transport.ChannelTakeover;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.lang.reflect.Method;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes an accepted {@code /ws} upgrade's channel from Vert.x ({@link ChannelTakeover}) and has the connection send
 * the {@code 101}. When the upgrade went through Vert.x's request handling, its HTTP metrics see it as a {@code 101}
 * answer (as with its own upgrade); one taken before ({@link UpgradeInterceptor}) is not a request to them. Either
 * way the connection's close is reported to them by the connection.
 */
final class UpgradeAnswer {

  private static final Logger LOG = Logger.getLogger(UpgradeAnswer.class.getName());
  private static final Method COMPLETE_HANDSHAKE = completeHandshake();

  private UpgradeAnswer() {
  }

  /**
   * Installs {@code handler} on the request's channel and answers the upgrade; returns the handler's context, or
   * null when the request is not on an HTTP/1.x connection of this event loop (nothing was changed then).
   */
  static ChannelHandlerContext install(HttpServerRequest req, WebSocketConnection handler, byte[] switchingProtocols) {
    ChannelPipeline pipeline = ChannelTakeover.pipelineOf(req);
    if (pipeline == null) {
      return null;
    }
    reportSwitchingProtocols(req.response());
    return install(pipeline, handler, switchingProtocols);
  }

  /** The same for an upgrade Vert.x never saw ({@link UpgradeInterceptor}): there is no request to end. */
  static ChannelHandlerContext install(ChannelPipeline pipeline, WebSocketConnection handler,
      byte[] switchingProtocols) {
    ChannelHandlerContext ctx = ChannelTakeover.install(pipeline, handler);
    // An upgrade the interceptor answers reaches here from inside it; elsewhere it has already left.
    if (pipeline.get(UpgradeInterceptor.NAME) != null) {
      pipeline.remove(UpgradeInterceptor.NAME);
    }
    // Not flushed here: the session's first frames (hello, subscribed) join it in one write.
    handler.switchProtocols(switchingProtocols);
    return ctx;
  }

  /** Lets Vert.x's HTTP metrics end the request with a 101 answer, as its own upgrade does. */
  private static void reportSwitchingProtocols(HttpServerResponse response) {
    if (COMPLETE_HANDSHAKE == null) {
      return;
    }
    try {
      COMPLETE_HANDSHAKE.invoke(response);
    } catch (ReflectiveOperationException | IllegalArgumentException e) {
      LOG.log(Level.FINE, "Vert.x's HTTP metrics do not see this upgrade", e);
    }
  }

  private static Method completeHandshake() {
    try {
      Method m = Class.forName("io.vertx.core.http.impl.Http1xServerResponse").getDeclaredMethod("completeHandshake");
      m.setAccessible(true);
      return m;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warning("Vert.x's HTTP metrics will count /ws upgrades as requests in progress: " + e);
      return null;
    }
  }
}
