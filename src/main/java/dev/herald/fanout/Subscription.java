package dev.herald.fanout;

import dev.herald.message.Channel;
import dev.herald.message.MessageId;

/**
 * One channel of one session: where the client is in the channel's history and how it is being fed.
 * A subscription only ever delivers the next offset; anything else is skipped (already had) or fetched from
 * history (a gap). Only touched on the session's event loop.
 */
final class Subscription {

  enum State {
    /** Waiting for the policy's answer, then the channel's routing and the first history read. */
    PENDING,
    /** Delivering live messages as they come. */
    LIVE,
    /** Reading history to fill a gap or to catch up. */
    FETCHING,
    /** Over the outbound bound: nothing is queued until the socket drains, then history feeds it. */
    CATCHING_UP
  }

  final Channel channel;
  State state = State.PENDING;
  /** Epoch of {@link #last}; null while the channel had no history when subscribed. */
  String epoch;
  /** Offset of the last message the client has; 0 before the first. */
  long last;
  /** The newest live offset seen while not LIVE (and its epoch), to know whether another fetch is needed. */
  long maxSeen;
  String maxSeenEpoch;
  /** History reads that failed in a row, for the retry backoff. */
  int fetchFailures;
  /** When the token that granted this subscription expires, epoch ms; 0 = never. */
  long expiresAtMillis;

  Subscription(Channel channel) {
    this.channel = channel;
  }

  void noteSeen(MessageId id) {
    if (!id.epoch().equals(maxSeenEpoch) || id.offset() > maxSeen) {
      maxSeenEpoch = id.epoch();
      maxSeen = id.offset();
    }
  }

  boolean seenBeyondLast() {
    return maxSeenEpoch != null && (!maxSeenEpoch.equals(epoch) || maxSeen > last);
  }

  /** The position to resume from; null when the client has nothing of this channel yet. */
  MessageId position() {
    return epoch == null || last == 0 ? null : new MessageId(epoch, last);
  }
}
