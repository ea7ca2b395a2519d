package dev.herald.fanout;

import dev.herald.message.Channel;
import io.vertx.core.Future;

/**
 * Decides who may read a channel. The default lets anyone read anything; the security package supplies the
 * namespace and token rules. Asynchronous because verifying a token may be; public channels should answer with an
 * already completed future, so their subscriptions proceed at once.
 */
public interface SubscribePolicy {

  /** Everyone may read every channel. */
  SubscribePolicy OPEN = (channel, connectToken, frameToken) -> Future.succeededFuture(Decision.ALLOW);

  /**
   * Never fails: a refusal is a completed {@link Decision#deny}. The reason must not contain the token.
   *
   * @param connectToken the token given when connecting ({@code ?token=}) or the latest refresh, or null
   * @param frameToken   the token given in the subscribe or refresh frame, or null; it wins over connectToken
   */
  Future<Decision> check(Channel channel, String connectToken, String frameToken);

  /** The answer; {@code expiresAtMillis} is when the granting token expires, epoch ms (0 = never). */
  record Decision(boolean allowed, String reason, long expiresAtMillis) {
    public static final Decision ALLOW = new Decision(true, null, 0);

    public static Decision allowUntil(long expiresAtMillis) {
      return new Decision(true, null, expiresAtMillis);
    }

    public static Decision deny(String reason) {
      return new Decision(false, reason, 0);
    }
  }
}
