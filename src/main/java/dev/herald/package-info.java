/**
 * Herald's root: {@link dev.herald.HeraldMain} (configuration, Vert.x, signals) and {@link dev.herald.HeraldNode}
 * (the only class that knows every verticle). The one place that wires every package together.
 */
package dev.herald;
