package dev.herald.engine.redis;

import dev.herald.engine.Commit;
import dev.herald.message.Channel;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The commits made on one event loop, sent to Redis in groups: a commit joins the group that leaves in a task
 * queued on the loop behind the work already there, or, while {@link #MAX_IN_FLIGHT} groups are unanswered, the
 * next one. One script call for many posts rather than one each: Redis pays for each call (its arguments, Lua's
 * call, the reply) once per group, and the node for each request and answer (BENCHMARKS.md, "Commits in groups").
 * A lone commit on an idle loop leaves at once, a task later. Groups leave in the order they were made, on the one
 * connection kept for commits, so the order of one loop's commits is kept. Only touched on its event loop's thread.
 */
final class CommitGroup {

  /** Unanswered groups per loop: while Redis runs one, the next is on its way, so Redis need not wait for it. */
  static final int MAX_IN_FLIGHT = 2;
  /** The most commits in one group, so one script call holds Redis for a few milliseconds at most. */
  static final int MAX_COMMITS = 64;
  /** The most bytes of bodies in one group, for the same reason. */
  static final int MAX_BODY_BYTES = 256 * 1024;

  /** One commit waiting for its group; its promise completes on the caller's context. */
  record Pending(List<Channel> channels, String dedupeKey, Buffer body, Promise<List<Commit>> promise) {
  }

  private final ContextInternal home;
  private final Function<List<Pending>, Future<Void>> send;
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  private int inFlight;
  private boolean flushScheduled;

  /**
   * @param home the loop's context: flushes and group completions run on it
   * @param send sends one group and completes each of its promises; the returned future completes when Redis
   *     answered (or the group failed), on any thread
   */
  CommitGroup(ContextInternal home, Function<List<Pending>, Future<Void>> send) {
    this.home = home;
    this.send = send;
  }

  /** Adds a commit; called on the home loop's thread. */
  void add(Pending pending) {
    waiting.add(pending);
    scheduleFlush();
  }

  private void scheduleFlush() {
    if (!flushScheduled && inFlight < MAX_IN_FLIGHT && !waiting.isEmpty()) {
      flushScheduled = true;
      home.runOnContext(v -> flush());
    }
  }

  private void flush() {
    flushScheduled = false;
    while (inFlight < MAX_IN_FLIGHT && !waiting.isEmpty()) {
      List<Pending> group = takeGroup();
      Future<Void> sent;
      try {
        sent = send.apply(group);
      } catch (RuntimeException e) { // a group that cannot even be sent fails alone; later groups still go
        group.forEach(p -> p.promise().tryFail(e));
        continue;
      }
      inFlight++;
      sent.onComplete(r -> {
        if (home.nettyEventLoop().inEventLoop()) {
          answered();
        } else {
          home.runOnContext(v -> answered());
        }
      });
    }
  }

  /** The next group: the oldest waiting commits, up to {@link #MAX_COMMITS} and {@link #MAX_BODY_BYTES}. */
  private List<Pending> takeGroup() {
    List<Pending> group = new ArrayList<>(Math.min(waiting.size(), MAX_COMMITS));
    long bytes = 0;
    while (!waiting.isEmpty() && group.size() < MAX_COMMITS
        && (group.isEmpty() || bytes + waiting.peek().body().length() <= MAX_BODY_BYTES)) {
      Pending next = waiting.poll();
      bytes += next.body().length();
      group.add(next);
    }
    return group;
  }

  private void answered() {
    inFlight--;
    scheduleFlush();
  }
}
