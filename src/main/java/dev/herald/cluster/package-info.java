/**
 * What nodes share: event-bus addresses, codecs, and the Hazelcast cluster bootstrap. Depends on {@code message}.
 */
package dev.herald.cluster;
