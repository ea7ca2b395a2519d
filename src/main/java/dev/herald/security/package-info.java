/**
 * Who may publish, who may read, and who may connect: publisher keys ({@link dev.herald.security.PublisherKeys}),
 * admin keys ({@link dev.herald.security.KeyHashes}), subscriber tokens ({@link dev.herald.security.TokenPolicy})
 * and connection admission ({@link dev.herald.security.Admission}). May import {@code config}, {@code message} and
 * the {@code fanout.SubscribePolicy} seam; secrets (keys, tokens) never leave this package in a log line or an error.
 */
package dev.herald.security;
