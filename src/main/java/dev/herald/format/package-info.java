/**
 * The formatter stage: sanitizes and formats each item once into the body every channel shares, then commits and
 * publishes it through {@code fanout.Publisher}. Depends on {@code message}, {@code cluster}, {@code fanout} and {@code metrics}.
 */
package dev.herald.format;
