/**
 * Which tables a SQL text names, read from the text alone (no parser, no DuckDB), so a query
 * engine can build the views of those tables only: DuckDB binds a view over every file it reads
 * as the view is created, and on a lake of a year of dates that was most of a small query.
 */

/**
 * Whether `sql` names one of `words` (whole words, so `staged_songs` does not name `songs`) outside
 * string literals and comments: the validation query names every table in its checks' labels
 * (`'songs:' || song_id`), and those words made each date's validation read every manifest and
 * build the published views. A quoted identifier counts as its words (`"songs"` names songs), and
 * keeps a quote or dashes inside it from hiding what follows. A false match only costs a view's
 * refresh; a miss leaves a query without its view (it fails: no such table, or a file it may not
 * read), which is why a person's query that fails so is run again with every view (cli/local/lake-reader.ts).
 */
export const names = (sql: string, words: RegExp): boolean => words.test(identifiersOf(sql));

/** `sql` without its string literals and comments, each quoted identifier as its words: the text {@link names} tests. */
export const identifiersOf = (sql: string): string =>
  sql.replace(quotedAndComments, (token) => (token.startsWith('"') ? ` ${token.slice(1, -1).replaceAll('""', '"')} ` : ' '));

/** Any of `list` as a whole word, in any case. */
export const wordsOf = (list: readonly string[]): RegExp => new RegExp(`\\b(${list.join('|')})\\b`, 'i');

/**
 * Double-quoted identifiers, string literals ('…', E'…' with escapes, $$…$$ and $tag$…$tag$) and
 * comments, read left to right. A `$` after an identifier's character is part of the identifier
 * (`a$$` is a name in DuckDB), not the start of a string. Nested block comments are not followed:
 * none of the pipeline's SQL has one.
 */
const quotedAndComments = /"(?:[^"]|"")*"|(?<![\w$])[eE]'(?:[^'\\]|\\.|'')*'|'(?:[^']|'')*'|(?<![\w$])\$([A-Za-z_]\w*)?\$[\s\S]*?\$\1\$|--[^\n]*|\/\*[\s\S]*?\*\//g;

/**
 * What reads the catalog or the settings rather than a table: SHOW, DESCRIBE, `information_schema`,
 * DuckDB's `duckdb_…()` functions, the PostgreSQL (`pg_class`, `pg_views`, …) and SQLite
 * (`sqlite_master`, `sqlite_temp_schema`, …) catalog views, the PRAGMAs and `current_setting()`
 * (the allowed paths are the views' files). Such a query answers without failing when a view is
 * missing, so it must see every view, named or not.
 */
const catalogWords = /\b(show|describe|information_schema|duckdb_\w+|pg_\w+|sqlite_\w+|pragma|pragma_\w+|current_setting)\b/i;

/** Whether `sql` reads the list of tables and views, outside string literals and comments. */
export const listsCatalog = (sql: string): boolean => names(sql, catalogWords);
