/**
 * A bare WebSocket client on Netty ({@link dev.herald.wsclient.LeanWebSocket}), shared by the node's start-up
 * warm-up and the load generator's subscribers: both open many connections and must cost little beside the work
 * they measure or prepare. Depends on the node's I/O transport choice only.
 */
package dev.herald.wsclient;
