/**
 * The HTTP APIs: producers' ({@code PublishApi}), operators' ({@code AdminApi}) and the keyless demo endpoints
 * ({@code DemoApi}, only with {@code demo.enabled}). Depends on {@code engine} (queue, history), {@code ingest}
 * (the shared entry parser), {@code message} and {@code security} (publisher and admin keys).
 */
package dev.herald.api;
