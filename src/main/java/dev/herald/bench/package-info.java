/**
 * The end-to-end load generator behind {@code scripts/bench}: subscriber fleets in worker processes (WebSocket, or
 * Herald's SockJS and SSE transports), a rate-controlled HTTP publisher, {@code /proc} probes of the server under
 * test, and JSON plus table reports. It speaks Herald's protocol and nchan's raw frames, so both servers are
 * measured by the same program. It is a client and talks to the server only over sockets: of Herald it imports
 * only the names of a node's I/O transports and meters, and the bare WebSocket client it shares with the node's
 * warm-up ({@code wsclient}).
 */
package dev.herald.bench;
