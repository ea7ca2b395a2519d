/**
 * Herald's own meters: {@link dev.herald.metrics.Meters} names each one once, {@link dev.herald.metrics.HeraldMetrics}
 * registers them at start-up and records. Depends on Micrometer only; every stage imports it, it imports nothing
 * of ours.
 */
package dev.herald.metrics;
