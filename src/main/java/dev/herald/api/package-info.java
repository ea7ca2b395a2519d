/**
 * The HTTP APIs: producers' ({@code PublishApi}) and operators' ({@code AdminApi}). Depends on {@code engine}
 * (queue, history), {@code ingest} (the shared entry parser), {@code message} and {@code security} (publisher and
 * admin keys).
 */
package dev.herald.api;
