/**
 * Long-poll at {@code /poll}: each request is a short-lived session that answers one batch of message frames and
 * the next {@code transport.ResumeToken}. Depends on {@code fanout}, {@code message} and {@code transport}.
 */
package dev.herald.transport.longpoll;
