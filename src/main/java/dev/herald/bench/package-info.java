/**
 * The end-to-end load generator behind {@code scripts/bench}: subscriber fleets in worker processes (WebSocket, or
 * Herald's SockJS and SSE transports), a rate-controlled HTTP publisher, {@code /proc} probes of the server under
 * test, and JSON plus table reports. It speaks Herald's protocol and nchan's raw frames, so both servers are
 * measured by the same program. Imports nothing of Herald: it is a client and talks to the server only over sockets.
 */
package dev.herald.bench;
