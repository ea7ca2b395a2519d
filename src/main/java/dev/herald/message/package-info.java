/**
 * Pure values that travel through the pipeline: channels, message ids, posts, rendered messages.
 * Constructors validate, so a value in hand is well formed. Depends on nothing of Herald's and on no Vert.x type
 * except {@code Buffer}.
 */
package dev.herald.message;
