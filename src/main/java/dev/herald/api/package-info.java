/**
 * The producers' HTTP API. Depends on {@code engine} (the queue) and {@code ingest} (the shared entry parser).
 */
package dev.herald.api;
