package dev.herald.transport.sockjs;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.Transport;

/**
 * The four services the public SockJS protocol test suite (sockjs/sockjs-protocol) expects, mounted only when
 * {@code sockjs.conformance} is set: they run on the same SockJS stack and fixes as {@code /rt}, so the suite
 * judges Herald's SockJS, not a separate server.
 */
public final class SockJsTestServices {

  /** The suite's echo streaming limit: streaming responses are cut after this many bytes. */
  private static final int ECHO_STREAMING_LIMIT = 4096;
  private static final int GO_AWAY = 3000;

  private SockJsTestServices() {
  }

  public static void mount(Vertx vertx, Router router, SockJsTransport transport) {
    SockJSHandlerOptions base = transport.options().setInsertJSESSIONID(false);
    transport.mount(vertx, router, "/echo", new SockJSHandlerOptions(base).setMaxBytesStreaming(ECHO_STREAMING_LIMIT),
        SockJsTestServices::echo);
    transport.mount(vertx, router, "/disabled_websocket_echo",
        new SockJSHandlerOptions(base).addDisabledTransport(Transport.WEBSOCKET.name()), SockJsTestServices::echo);
    transport.mount(vertx, router, "/cookie_needed_echo", new SockJSHandlerOptions(base).setInsertJSESSIONID(true),
        SockJsTestServices::echo);
    transport.mount(vertx, router, "/close", new SockJSHandlerOptions(base),
        socket -> socket.close(GO_AWAY, "Go away!"));
  }

  private static void echo(SockJSSocket socket) {
    // Text in, text out: on the raw WebSocket transport a Buffer write would answer with a binary frame.
    socket.handler(b -> socket.write(b.toString()));
  }
}
