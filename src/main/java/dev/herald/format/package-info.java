/**
 * The formatter stage: sanitizes and formats each item once into the body every channel shares, then commits and
 * publishes it through {@code fanout.Publisher}. Depends on {@code message}, {@code cluster} and {@code fanout}.
 */
package dev.herald.format;
