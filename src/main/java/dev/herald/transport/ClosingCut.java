package dev.herald.transport;

import dev.herald.metrics.HeraldMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends a closing connection whose last bytes (a close frame, the end of an SSE stream) have not left within the
 * closing timeout. A client that stopped reading never takes them, and the connection would otherwise stay open
 * with its queue for as long as the client's kernel answers.
 */
public final class ClosingCut {

  private ClosingCut() {
  }

  /**
   * Cuts {@code channel} after {@code ms} if it is still open then. The task is cancelled when the channel closes
   * sooner: it would otherwise hold the channel, its pipeline and its session until the timeout.
   */
  public static ScheduledFuture<?> schedule(Channel channel, long ms, HeraldMetrics.TransportMeters meters) {
    ScheduledFuture<?> task = channel.eventLoop().schedule(() -> cut(channel, meters), ms, TimeUnit.MILLISECONDS);
    channel.closeFuture().addListener(closed -> task.cancel(false));
    return task;
  }

  /**
   * Closes {@code channel}, with a reset when bytes still wait in its queue: the kernel's buffers for it are full, so
   * the client is not reading, and a reset also frees what the kernel holds for it instead of leaving it to time out.
   */
  static void cut(Channel channel, HeraldMetrics.TransportMeters meters) {
    if (!channel.isOpen()) {
      return;
    }
    ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
    if (out != null && out.totalPendingWriteBytes() > 0) {
      channel.config().setOption(ChannelOption.SO_LINGER, 0);
    }
    meters.cut();
    channel.close();
  }
}
