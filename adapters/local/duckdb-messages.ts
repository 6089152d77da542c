/**
 * What DuckDB's error messages, and the engine's own warnings, say, for the callers that act on
 * one: a module with no DuckDB in it, so `spotify-etl query` can test a message without loading
 * the native module.
 */

/**
 * A file a view was given that is gone when DuckDB opens it: another run published a date and
 * removed the folders it superseded after the view was listed.
 */
export const vanishedFile = /IO Error: (No files found that match the pattern|Cannot open file)/;

/** How the engine says that a date's manifest publishes rows of a table the lake holds no readable file of. */
export const lostRowsPhrase = 'rows that the lake no longer holds readable';
