package dev.herald.fanout;

import dev.herald.engine.Commit;
import dev.herald.engine.History;
import dev.herald.engine.Replay;
import dev.herald.message.Channel;
import dev.herald.message.MessageId;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A real history whose reads can be held back, so a test can make live messages arrive while a replay is in
 * flight. Reads start at once against the real history; only their answers wait. The next reads can also be made
 * to fail, as a history that is down answers.
 */
final class GatedHistory implements History {

  private final History history;
  private final List<Runnable> waiting = new ArrayList<>();
  private boolean holding;
  private int failing;

  GatedHistory(History history) {
    this.history = history;
  }

  /** The next {@code reads} reads fail. */
  synchronized void failNext(int reads) {
    failing = reads;
  }

  synchronized void hold() {
    holding = true;
  }

  synchronized int waiting() {
    return waiting.size();
  }

  void release() {
    List<Runnable> out;
    synchronized (this) {
      holding = false;
      out = new ArrayList<>(waiting);
      waiting.clear();
    }
    out.forEach(Runnable::run);
  }

  @Override
  public Future<Replay> since(Channel channel, MessageId since, int limit) {
    synchronized (this) {
      if (failing > 0) {
        failing--;
        return Future.failedFuture("history down (test)");
      }
    }
    Future<Replay> read = history.since(channel, since, limit);
    synchronized (this) {
      if (!holding) {
        return read;
      }
      Promise<Replay> later = Promise.promise();
      waiting.add(() -> read.onComplete(later));
      return later.future();
    }
  }

  @Override
  public Future<Commit> commit(Channel channel, String dedupeKey, Buffer body) {
    return history.commit(channel, dedupeKey, body);
  }

  @Override
  public Future<List<Commit>> commitAll(List<Channel> channels, String dedupeKey, Buffer body) {
    return history.commitAll(channels, dedupeKey, body);
  }

  @Override
  public Future<Boolean> remove(Channel channel, MessageId id) {
    return history.remove(channel, id);
  }

  @Override
  public Future<Long> size(Channel channel) {
    return history.size(channel);
  }

  @Override
  public Future<Void> close() {
    return history.close();
  }
}
