/**
 * SockJS at {@code /rt} (vertx-web's SockJS with Herald's fixes), the bundled sockjs-client, and the services of
 * the SockJS protocol suite behind {@code sockjs.conformance}. Depends on {@code fanout} and {@code transport}.
 */
package dev.herald.transport.sockjs;
