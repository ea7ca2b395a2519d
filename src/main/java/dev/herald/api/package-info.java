/**
 * The producers' HTTP API. Depends on {@code engine} (the queue), {@code ingest} (the shared entry parser) and
 * {@code security} (publisher keys).
 */
package dev.herald.api;
