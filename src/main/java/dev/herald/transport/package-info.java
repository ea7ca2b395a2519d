/**
 * Client transports: each moves frames between one kind of connection and a {@code fanout.ClientSession}
 * through a {@code fanout.Subscriber}. Depends on {@code fanout}, {@code message}, {@code config}, {@code metrics},
 * and on {@code security} for connection admission ({@code SessionFactory.admit}); nothing imports it but the root.
 */
package dev.herald.transport;
