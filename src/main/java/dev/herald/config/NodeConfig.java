package dev.herald.config;

import io.vertx.core.VertxOptions;
import java.util.Set;

/**
 * This node's identity and how it does network I/O.
 *
 * @param id          the node id, also its Redis consumer name; default empty, which means
 *                    {@code <host name>-<http port>} (stable across restarts on the same host and port)
 * @param ioTransport the sockets' I/O: {@code auto} (default: Linux io_uring where the kernel allows it, else
 *                    epoll, else the JDK's NIO; the node logs which and why), or one of {@code io_uring},
 *                    {@code epoll}, {@code nio}, which the node must get or it does not start. io_uring hands
 *                    a fan-out's writes to the kernel in a few system calls per event-loop turn instead of one per
 *                    socket (measured in BENCHMARKS.md); containers whose seccomp profile blocks it get epoll
 * @param eventLoops  Vert.x's event loops in all (HTTP, ingest, formatters and the channels' dispatch share them);
 *                    default 0, which means Vert.x's default of two per core. One per core measured no better on
 *                    two cores (3–4 % less CPU over 100 channels, 11 % more over one, a longer p99 over 100
 *                    channels in two of three runs: BENCHMARKS.md); set it where a node may use fewer cores than
 *                    Vert.x counts (a container's CPU quota)
 * @param warmupConnections WebSockets the node opens to its own listener when it starts, each subscribing to a
 *                    channel of the namespace {@code herald-warmup} and closing, so that a reconnect storm right
 *                    after a restart meets a compiled connection path; readiness reports {@code warmup} down until
 *                    they are done (or a drain, or 64 connections of other clients, ended it). Default
 *                    {@value #DEFAULT_WARMUP_CONNECTIONS}; 0 turns it off
 * @param channelLingerMs clustered, how long the node keeps a channel's event-bus registration after its last
 *                    subscriber of the channel left, so that one who comes back within it (a reloaded page, a
 *                    reconnect) skips the registration's 250 ms settle and the cluster an unregistration and a
 *                    registration; messages of the channel keep reaching the node meanwhile. Default
 *                    {@value #DEFAULT_CHANNEL_LINGER_MS}; 0 drops the registration at once. Unclustered nodes
 *                    always drop it at once (a local registration costs little)
 */
public record NodeConfig(String id, String ioTransport, int eventLoops, int warmupConnections, int channelLingerMs) {

  public static final String AUTO = "auto";
  public static final String IO_URING = "io_uring";
  public static final String EPOLL = "epoll";
  public static final String NIO = "nio";
  /** Every value {@code ioTransport} takes. */
  public static final Set<String> IO_TRANSPORTS = Set.of(AUTO, IO_URING, EPOLL, NIO);
  public static final int DEFAULT_WARMUP_CONNECTIONS = 10_000;
  public static final int DEFAULT_CHANNEL_LINGER_MS = 5_000;

  static NodeConfig read(ConfigReader r) {
    String id = r.string("id", "");
    if (!id.matches("[A-Za-z0-9_.:-]{0,128}")) {
      throw r.error("id", "must match [A-Za-z0-9_.:-]{0,128}");
    }
    return new NodeConfig(id, r.oneOf("ioTransport", AUTO, IO_TRANSPORTS), r.integer("eventLoops", 0, 0, 1024),
        r.integer("warmupConnections", DEFAULT_WARMUP_CONNECTIONS, 0, 1_000_000),
        r.integer("channelLingerMs", DEFAULT_CHANNEL_LINGER_MS, 0, 3_600_000));
  }

  /** The number of event loops Vert.x runs. */
  public int effectiveEventLoops() {
    return eventLoops > 0 ? eventLoops : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
  }
}
