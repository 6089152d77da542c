/** How values appear in text meant for a person: counted nouns, and values that keep a table's shape. */

/**
 * `1 playlist`, `2 playlists`: the count and the noun in the number it needs.
 * @example plural(1, 'entry', 'entries') // '1 entry'
 */
export const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`;

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
