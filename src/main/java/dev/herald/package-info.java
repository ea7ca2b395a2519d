/**
 * Herald's root: {@link dev.herald.HeraldMain} (configuration, Vert.x, signals) and {@link dev.herald.HeraldNode}
 * (the only class that knows every verticle), {@link dev.herald.ConfigReload} and {@link dev.herald.LiveSettings}
 * (settings that change while the node runs). The one place that wires every package together.
 */
package dev.herald;
