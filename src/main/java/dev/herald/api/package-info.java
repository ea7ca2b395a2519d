/**
 * The producers' HTTP API, and the keyless demo endpoints ({@code DemoApi}, only with {@code demo.enabled}).
 * Depends on {@code engine} (the queue) and {@code ingest} (the shared entry parser).
 */
package dev.herald.api;
