/**
 * Keys and who may do what: {@link dev.herald.security.KeyHashes} checks presented keys against configured SHA-256
 * hashes in constant time. Depends on nothing of ours.
 */
package dev.herald.security;
