package dev.herald.fanout;

import dev.herald.message.Channel;

/**
 * Decides who may read a channel. The default lets anyone read anything; the security package supplies the
 * namespace and token rules.
 */
public interface SubscribePolicy {

  /** Everyone may read every channel. */
  SubscribePolicy OPEN = (channel, connectToken, frameToken) -> Decision.ALLOW;

  /**
   * @param connectToken the token given when connecting ({@code ?token=}), or null
   * @param frameToken   the token given in the subscribe frame, or null
   */
  Decision check(Channel channel, String connectToken, String frameToken);

  /** The answer; {@code expiresAtMillis} is when the granting token expires (0 = never). */
  record Decision(boolean allowed, String reason, long expiresAtMillis) {
    public static final Decision ALLOW = new Decision(true, null, 0);

    public static Decision deny(String reason) {
      return new Decision(false, reason, 0);
    }
  }
}
