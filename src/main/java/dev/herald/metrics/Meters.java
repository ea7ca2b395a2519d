package dev.herald.metrics;

import java.util.List;

/**
 * Every Herald meter name, defined once: {@code herald_<stage>_<thing>_<unit>} as Prometheus shows it (Micrometer
 * appends {@code _total} to counters and {@code _seconds} to timers, so the names here carry the stem only). Tags
 * are low-cardinality: a transport name or a limit name, never a channel or a client id.
 */
public final class Meters {

  /** Open client connections, tag {@link #TRANSPORT} (gauge). */
  public static final String CONNECTIONS = "herald_transport_connections";
  /** Client connections opened, tag {@link #TRANSPORT} (counter). */
  public static final String CONNECTIONS_OPENED = "herald_transport_connections_opened";
  /** Client connections closed, tag {@link #TRANSPORT} (counter). */
  public static final String CONNECTIONS_CLOSED = "herald_transport_connections_closed";
  /**
   * Closing connections cut when the closing timeout passed, tag {@link #TRANSPORT} (counter): their last bytes (a
   * close frame, the end of an SSE stream) had not left, usually because the client stopped reading.
   */
  public static final String CONNECTIONS_CUT = "herald_transport_connections_cut";
  /** Channel subscriptions of the node's clients (gauge). */
  public static final String SUBSCRIPTIONS = "herald_fanout_subscriptions";
  /** Channels this node receives, one event-bus registration each (gauge). */
  public static final String CHANNELS = "herald_fanout_channels";
  /**
   * Channel registrations this node made, one each time a channel got its first local subscriber with no
   * registration in effect (counter): its rate against the connections' shows the churn that
   * {@code node.channelLingerMs} absorbs in a cluster.
   */
  public static final String CHANNEL_REGISTRATIONS = "herald_fanout_channel_registrations";
  /** Entries claimed from the ingest queue (counter). */
  public static final String INGESTED = "herald_ingest_messages";
  /** Ingest items rendered once by the formatter (counter). */
  public static final String FORMATTED = "herald_format_messages";
  /** Messages committed to a channel's history, one per channel (counter). */
  public static final String COMMITTED = "herald_commit_messages";
  /** Message frames handed to a client socket, replays included (counter). */
  public static final String DELIVERED = "herald_delivery_messages";
  /** Live messages not written because the client's buffer was full; it catches up from history (counter). */
  public static final String DROPPED = "herald_delivery_dropped_messages";
  /** Entries moved to the dead letters (counter). */
  public static final String DEAD_LETTERED = "herald_ingest_dead_lettered_messages";
  /** Producer's accept → frame handed to the socket, live messages only (timer, seconds). */
  public static final String DELIVERY_LATENCY = "herald_delivery_latency";
  /** Producer's accept → committed to every channel's history (timer, seconds). */
  public static final String COMMIT_LATENCY = "herald_commit_latency";
  /** Ingest entries claimed and not yet acknowledged, all consumers, polled (gauge). */
  public static final String QUEUE_PENDING = "herald_ingest_pending_entries";
  /** Ingest entries added and not yet claimed by any consumer (consumer lag), polled; -1 unknown (gauge). */
  public static final String QUEUE_LAG = "herald_ingest_lag_entries";
  /** Subscriptions switched from live delivery to catch-up from history (counter). */
  public static final String CATCH_UP_SWITCHES = "herald_fanout_catch_up_switches";
  /** History reads of live subscriptions: a gap to fill, a catch-up, a retry (counter). */
  public static final String HISTORY_READS = "herald_fanout_history_reads";
  /** Those history reads that failed; each is retried after a backoff (counter). */
  public static final String HISTORY_READ_FAILURES = "herald_fanout_history_read_failures";
  /** Requests or frames refused by a limit, tag {@link #LIMIT} (counter). */
  public static final String LIMIT_HITS = "herald_limit_hits";

  /** Tag: the transport of a connection. */
  public static final String TRANSPORT = "transport";
  /** Tag: the name of the limit (its config key under {@code limits} or {@code transport}). */
  public static final String LIMIT = "limit";

  /** Transport tag values: {@code /ws}, {@code /rt} (every SockJS transport), {@code /sse}, {@code /poll}. */
  public static final String WEBSOCKET = "websocket";
  public static final String SOCKJS = "sockjs";
  public static final String SSE = "sse";
  /** One long-poll request counts as one connection, opened when admitted and closed when answered. */
  public static final String LONGPOLL = "longpoll";
  /** Every transport, so each shows at zero before its first connection. */
  public static final List<String> TRANSPORTS = List.of(WEBSOCKET, SOCKJS, SSE, LONGPOLL);

  public static final String LIMIT_FRAME_BYTES = "maxFrameBytes";
  public static final String LIMIT_CHANNELS = "maxChannelsPerConnection";
  public static final String LIMIT_SUBSCRIBE_RATE = "subscribesPerSecond";
  public static final String LIMIT_BAD_FRAMES = "badFramesPerMinute";
  public static final String LIMIT_STALL = "stallTimeoutMs";
  public static final String LIMIT_NEW_CONNECTIONS = "newConnectionsPerSecond";
  public static final String LIMIT_CONNECTIONS_PER_IP = "maxConnectionsPerIp";
  /** Every limit, so each shows at zero before its first hit. */
  public static final List<String> LIMITS = List.of(LIMIT_FRAME_BYTES, LIMIT_CHANNELS, LIMIT_SUBSCRIBE_RATE,
      LIMIT_BAD_FRAMES, LIMIT_STALL, LIMIT_NEW_CONNECTIONS, LIMIT_CONNECTIONS_PER_IP);

  private Meters() {
  }
}
