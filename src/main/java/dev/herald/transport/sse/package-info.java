/**
 * Server-Sent Events at {@code /sse}: one {@code SseSubscriber} per stream, messages as events whose id is a
 * {@code transport.ResumeToken}. Depends on {@code fanout}, {@code message} and {@code transport}.
 */
package dev.herald.transport.sse;
