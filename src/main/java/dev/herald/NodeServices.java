package dev.herald;

import dev.herald.config.HeraldConfig;
import dev.herald.engine.History;
import dev.herald.engine.Queue;
import dev.herald.fanout.ChannelRouter;
import dev.herald.fanout.Publisher;
import dev.herald.fanout.SubscribePolicy;
import dev.herald.metrics.HeraldMetrics;
import java.util.List;
import dev.herald.security.Admission;
import dev.herald.security.PublisherKeys;

/**
 * The node-wide objects every verticle instance shares; built once by {@link HeraldNode}.
 *
 * @param adminKeyHashes SHA-256 hex of every accepted admin key ({@code security.adminKeys} and
 *                       {@code HERALD_ADMIN_KEY})
 */
record NodeServices(HeraldConfig config, String nodeId, Queue queue, History history, ChannelRouter router,
                    Publisher publisher, SubscribePolicy policy, HeraldMetrics metrics, ReadinessCheck readiness,
                    List<String> adminKeyHashes, PublisherKeys publisherKeys, Admission admission) {
}
