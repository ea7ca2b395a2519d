/**
 * The node's typed configuration: a record per section with its defaults as documented constants, read and
 * validated once by {@link dev.herald.config.ConfigLoader} (file, then {@code HERALD_*} environment).
 * Depends on nothing of Herald's.
 */
package dev.herald.config;
