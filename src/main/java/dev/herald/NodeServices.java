package dev.herald;

import dev.herald.config.HeraldConfig;
import dev.herald.engine.History;
import dev.herald.engine.Queue;
import dev.herald.fanout.ChannelRouter;
import dev.herald.fanout.Publisher;
import dev.herald.fanout.SubscribePolicy;
import dev.herald.security.Admission;
import dev.herald.security.PublisherKeys;

/** The node-wide objects every verticle instance shares; built once by {@link HeraldNode}. */
record NodeServices(HeraldConfig config, String nodeId, Queue queue, History history, ChannelRouter router,
                    Publisher publisher, SubscribePolicy policy, PublisherKeys publisherKeys, Admission admission) {
}
