/**
 * The production engine: the ingest queue on a Redis stream with a consumer group, and channel history in Redis
 * keys written by Lua scripts, shared by every node of the cluster. Depends on {@code engine}, {@code message},
 * {@code config} and vertx-redis-client only.
 */
package dev.herald.engine.redis;
