package dev.herald.cluster;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes an immutable value between verticles of one node without copying. Used only on node-local addresses;
 * sending such a value to another node is a programming error and fails loudly.
 */
public final class LocalOnlyCodec<T> implements MessageCodec<T, T> {

  private final String name;

  public LocalOnlyCodec(Class<T> type) {
    this.name = "herald.local." + type.getSimpleName();
  }

  @Override
  public void encodeToWire(Buffer buffer, T t) {
    throw new UnsupportedOperationException(name + " is node-local and cannot be sent to another node");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(name + " is node-local and cannot be received from another node");
  }

  @Override
  public T transform(T t) {
    return t;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
