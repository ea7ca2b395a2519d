package dev.herald.fanout;

import java.util.List;
import java.util.Map;

/** A frame a client sent, parsed; see {@link ClientFrameParser}. Channel names are still raw strings here. */
public sealed interface ClientFrame {

  /** {@code {"op":"subscribe","channels":[…],"since":{channel:id},"token":"…"}}; since and token optional. */
  record Subscribe(List<String> channels, Map<String, String> since, String token) implements ClientFrame {
  }

  /** {@code {"op":"unsubscribe","channels":[…]}}. */
  record Unsubscribe(List<String> channels) implements ClientFrame {
  }

  /** {@code {"op":"ping"}}. */
  record Ping() implements ClientFrame {
  }

  /** {@code {"op":"refresh","token":"…"}}: a new token for the live private subscriptions. */
  record Refresh(String token) implements ClientFrame {
  }

  /** A frame that could not be understood: the error to answer. */
  record Invalid(ErrorCode code, String reason) implements ClientFrame {
  }
}
