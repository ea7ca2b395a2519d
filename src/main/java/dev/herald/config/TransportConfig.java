package dev.herald.config;

/**
 * Settings shared by every client transport.
 *
 * @param heartbeatMs      interval of pings (WebSocket), heartbeat frames (SockJS) and comments (SSE), ms;
 *                         default {@value #DEFAULT_HEARTBEAT_MS}
 * @param idleTimeoutMs    a connection silent this long is closed, ms; default {@value #DEFAULT_IDLE_TIMEOUT_MS}
 * @param pollTimeoutMs    longest wait of one long-poll request, ms; default {@value #DEFAULT_POLL_TIMEOUT_MS}
 * @param maxBufferedBytes outbound bytes queued for one connection before it is switched to catch-up, bytes;
 *                         default {@value #DEFAULT_MAX_BUFFERED_BYTES}
 * @param stallTimeoutMs   a connection that reads nothing for this long while it has data waiting is
 *                         disconnected, ms; default {@value #DEFAULT_STALL_TIMEOUT_MS}
 * @param replayBatch      history messages read per step of a resume or catch-up; default
 *                         {@value #DEFAULT_REPLAY_BATCH}
 * @param flushChunk       WebSocket and SSE connections an event loop flushes per turn when a turn wrote to more
 *                         (a fan-out), yielding its core to other threads between two chunks; a channel with more
 *                         local subscribers than this is also written this many per turn (an eighth of it in the
 *                         first), so the first chunk is sent while the loop writes the next; 0 writes and flushes
 *                         them all in one turn; default {@value #DEFAULT_FLUSH_CHUNK}. On a host where readers or a
 *                         proxy share the node's cores, chunks let them in during a fan-out (BENCHMARKS.md)
 */
public record TransportConfig(long heartbeatMs, long idleTimeoutMs, long pollTimeoutMs, int maxBufferedBytes,
                              long stallTimeoutMs, int replayBatch, int flushChunk) {

  public static final long DEFAULT_HEARTBEAT_MS = 25_000;
  public static final long DEFAULT_IDLE_TIMEOUT_MS = 60_000;
  public static final long DEFAULT_POLL_TIMEOUT_MS = 30_000;
  public static final int DEFAULT_MAX_BUFFERED_BYTES = 1_048_576;
  public static final long DEFAULT_STALL_TIMEOUT_MS = 30_000;
  public static final int DEFAULT_REPLAY_BATCH = 500;
  public static final int DEFAULT_FLUSH_CHUNK = 128;

  static TransportConfig read(ConfigReader r) {
    TransportConfig t = new TransportConfig(r.longValue("heartbeatMs", DEFAULT_HEARTBEAT_MS, 100, Long.MAX_VALUE),
        r.longValue("idleTimeoutMs", DEFAULT_IDLE_TIMEOUT_MS, 100, Long.MAX_VALUE),
        r.longValue("pollTimeoutMs", DEFAULT_POLL_TIMEOUT_MS, 10, Long.MAX_VALUE),
        r.integer("maxBufferedBytes", DEFAULT_MAX_BUFFERED_BYTES, 1024, Integer.MAX_VALUE),
        r.longValue("stallTimeoutMs", DEFAULT_STALL_TIMEOUT_MS, 100, Long.MAX_VALUE),
        r.integer("replayBatch", DEFAULT_REPLAY_BATCH, 1, 100_000),
        r.integer("flushChunk", DEFAULT_FLUSH_CHUNK, 0, 1_000_000));
    if (t.idleTimeoutMs <= t.heartbeatMs) {
      throw r.error("idleTimeoutMs", "must be greater than transport.heartbeatMs");
    }
    return t;
  }
}
