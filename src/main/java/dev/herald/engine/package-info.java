/**
 * The seams that differ between the embedded default and production: {@link dev.herald.engine.Queue} (ingest with
 * job semantics) and {@link dev.herald.engine.History} (the per-channel commit point). {@code memory} and
 * {@code redis} hold the two implementations. Depends on {@code message} and {@code config} only.
 */
package dev.herald.engine;
