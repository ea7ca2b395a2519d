package dev.herald.engine.redis;

import io.vertx.redis.client.ProtocolVersion;

/** The history contract again with the client on RESP2. */
class RedisHistoryResp2IT extends RedisHistoryIT {

  @Override
  protected ProtocolVersion protocol() {
    return ProtocolVersion.RESP2;
  }
}
