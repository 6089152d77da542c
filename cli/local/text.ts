/** How values appear in text meant for a person: counted nouns, and values that keep a table's shape. */

/**
 * `1 playlist`, `2 playlists`: the count and the noun in the number it needs.
 * @example plural(1, 'entry', 'entries') // '1 entry'
 */
export const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;

/** How many items of a list a line for a person names before it counts the rest. */
export const namedAtMost = 5;

/**
 * The first `shown` of a list and how many more there are, for a line a person reads: a run of
 * 10,000 playlists would otherwise print 250 KB of ids on one line (`--json` keeps them all).
 * @example briefList(['a', 'b', 'c', 'd'], 2) // ['a', 'b', '… and 2 more']
 */
export const briefList = (items: readonly string[], shown = namedAtMost): string[] =>
  items.length <= shown + 1 ? [...items] : [...items.slice(0, shown), `… and ${items.length - shown} more`];

/**
 * A value with its control characters (line breaks, tabs, escape sequences) written as escapes,
 * so a playlist named "a\nb" stays on its row of a text table and cannot move the cursor.
 * @example escapeControl('a\nb\u001b[2J') // 'a\\nb\\u001b[2J'
 */
export const escapeControl = (text: string): string =>
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });

/**
 * Arguments as a POSIX shell reads them back: plain words as they are, anything else in single quotes.
 * @example shellWords(['run', '--faults', '429=1', "it's"]) // "run --faults 429=1 'it'\\''s'"
 */
export const shellWords = (words: readonly string[]): string =>
  words.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`)).join(' ');

/**
 * Rows as an aligned text table, `null` for SQL NULL, control characters escaped so each row stays
 * one line; but a query plan (EXPLAIN's `explain_key`, `explain_value` rows) as DuckDB draws it,
 * over many lines, which escaped made one line of `\n`s.
 */
export const formatRows = (rows: readonly Record<string, unknown>[]): string => {
  if (rows.length === 0) return '(no rows)\n';
  const columns = Object.keys(rows[0] ?? {});
  if (columns.join() === 'explain_key,explain_value') return rows.map((row) => `${String(row['explain_value'])}\n`).join('');
  const headers = columns.map(escapeControl);
  const cells = rows.map((row) =>
    columns.map((column) => escapeControl(row[column] === null ? 'null' : typeof row[column] === 'object' ? JSON.stringify(row[column]) : String(row[column]))),
  );
  // A loop, not Math.max(...cells): spreading 150,000 rows into one call overflowed the stack.
  const widths = headers.map((header, i) => cells.reduce((widest, cell) => Math.max(widest, cell[i]?.length ?? 0), header.length));
  const line = (values: readonly string[]): string => values.map((value, i) => value.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return `${[line(headers), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n')}\n`;
};
