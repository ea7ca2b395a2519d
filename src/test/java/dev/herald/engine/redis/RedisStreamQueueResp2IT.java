package dev.herald.engine.redis;

import io.vertx.redis.client.ProtocolVersion;

/** The queue contract again with the clients on RESP2, whose XREADGROUP and XINFO replies are arrays. */
class RedisStreamQueueResp2IT extends RedisStreamQueueIT {

  @Override
  protected ProtocolVersion protocol() {
    return ProtocolVersion.RESP2;
  }
}
