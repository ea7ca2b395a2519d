/**
 * Fan-out: the commit-and-publish point ({@link dev.herald.fanout.Publisher}), the node's channel interest
 * ({@link dev.herald.fanout.ChannelRouter}), one {@link dev.herald.fanout.Hub} per event loop, and the
 * transport-independent client protocol ({@link dev.herald.fanout.ClientSession}: subscriptions, resume, gap
 * filling, catch-up). Depends on {@code message}, {@code engine}, {@code config}, {@code cluster.Addresses} and {@code metrics}.
 */
package dev.herald.fanout;
