package dev.herald;

import dev.herald.config.HeraldConfig;
import dev.herald.engine.History;
import dev.herald.engine.Queue;
import dev.herald.fanout.ChannelRouter;
import dev.herald.fanout.Publisher;
import dev.herald.fanout.SubscribePolicy;
import dev.herald.metrics.HeraldMetrics;

/**
 * The node-wide objects every verticle instance shares; built once by {@link HeraldNode}.
 *
 * @param config the configuration the node started with; what may change while it runs is read from {@code live}
 * @param policy reads the current subscribe policy of {@code live} at each check
 * @param live   limits, origins, proxies, publisher and admin keys, subscribe policy: changed by config reload
 */
record NodeServices(HeraldConfig config, String nodeId, Queue queue, History history, ChannelRouter router,
                    Publisher publisher, SubscribePolicy policy, HeraldMetrics metrics, ReadinessCheck readiness,
                    LiveSettings live) {
}
