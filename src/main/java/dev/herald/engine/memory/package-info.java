/**
 * The embedded default engine: queue and history in process, for one node without Redis. A real engine with the
 * same contract as the Redis one, tested by the same contract suites.
 */
package dev.herald.engine.memory;
