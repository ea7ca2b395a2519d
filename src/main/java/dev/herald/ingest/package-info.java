/**
 * The ingest stage: reads the queue, parses entries at the boundary ({@link dev.herald.ingest.EntryParser}),
 * asks the formatter over the event bus, and acknowledges after publish. Depends on {@code message},
 * {@code engine}, {@code config}, {@code cluster}, {@code metrics} and {@code format}'s failure codes.
 */
package dev.herald.ingest;
