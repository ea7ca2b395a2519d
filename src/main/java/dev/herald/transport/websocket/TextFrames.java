package dev.herald.transport.websocket;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * WebSocket text frames over a shared, already encoded buffer. The public API only builds text frames from a
 * {@code String}, which would decode and re-encode the frame for every subscriber; this wraps a view of the same
 * bytes instead (Vert.x heap buffers are not reference counted, so the view needs no release).
 */
final class TextFrames {

  private TextFrames() {
  }

  static WebSocketFrame of(Buffer utf8) {
    return new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) utf8).getByteBuf(), true);
  }
}
