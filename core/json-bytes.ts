/**
 * JSON from UTF-8 bytes: what `JSON.parse(new TextDecoder().decode(bytes))` gives, about three
 * times faster on Spotify's pages. Every page the pipeline reads passes here twice (ExtractItems
 * as it arrives, Normalise from the lake), so this was the largest cost of a run after start-up.
 *
 * Why it is faster: once a byte above 0x7F appears (a name with an accent is enough, and nearly
 * every page has one), V8 decodes UTF-8 at about 100 MB/s, three times what parsing the text then
 * takes. Reading each byte as the character of the same number (Latin-1) is instead a widening
 * copy (to UTF-16, which a decoder turns into a string as it is). JSON's structure is ASCII, so JSON.parse
 * reads that text exactly as it reads the UTF-8 one; only the strings holding bytes above 0x7F
 * come out wrong, each such byte as one character U+0080–U+00FF. Those strings are mended after
 * the parse: each run of such characters is the run of bytes it came from, decoded as UTF-8. That
 * is what the whole decode gave them, errors included, because ASCII bounds a run both in the
 * text and in the parsed string, and a UTF-8 decoder ends any sequence at an ASCII byte.
 *
 * The one text this cannot read is one with a `\u0080`–`\u00FF` escape, whose character the
 * parsed string could not tell from a byte: such a text, and any that is not JSON (for the same
 * error message), is decoded and parsed the plain way, as is a text all in ASCII, which V8 decodes
 * at copy speed.
 */
/** The plain way, and the reference. A leading byte-order mark is dropped, as TextDecoder does. */
const utf8 = new TextDecoder();
const plainParse = (bytes: Uint8Array): unknown => JSON.parse(utf8.decode(bytes));

/** For a run of bytes inside a string, where a byte-order mark is a character like any other. */
const utf8Run = new TextDecoder('utf-8', { ignoreBOM: true });
const utf16 = new TextDecoder('utf-16le');

/**
 * Each byte as the character of the same number: widened to UTF-16 code units by a typed-array copy.
 * (TextDecoder's 'latin1' is windows-1252, which maps 0x80–0x9F elsewhere; Node's Buffer is not for core/.)
 */
const latin1 = (bytes: Uint8Array): string => {
  const units = new Uint16Array(bytes.length);
  units.set(bytes);
  return utf16.decode(units);
};

/**
 * Whether every byte is below 0x80, tested four at a time. A text in ASCII (Python's json.dumps
 * escapes every other character, and so do some recorders) decodes at copy speed the plain way,
 * into the one-byte string JSON.parse reads fastest.
 */
const isAscii = (bytes: Uint8Array): boolean => {
  const head = Math.min(bytes.length, (4 - (bytes.byteOffset % 4)) % 4);
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset + head, (bytes.length - head) >>> 2);
  for (let index = 0; index < head; index += 1) if ((bytes[index] ?? 0) >= 0x80) return false;
  for (let index = 0; index < words.length; index += 1) if (((words[index] ?? 0) & 0x80808080) !== 0) return false;
  for (let index = head + words.length * 4; index < bytes.length; index += 1) if ((bytes[index] ?? 0) >= 0x80) return false;
  return true;
};

const byteOrderMark = [0xef, 0xbb, 0xbf] as const;
const aboveAscii = /[\x80-\xff]/;
const runsAboveAscii = /[\x80-\xff]+/g;
/** An escape of a character U+0080–U+00FF, or text that could be one (an escaped backslash before `u00…`). */
const latin1Escape = /\\u00[89a-f]/i;

const mendRun = (run: string): string => utf8Run.decode(Uint8Array.from(run, (character) => character.charCodeAt(0)));
const mend = (text: string): string => (aboveAscii.test(text) ? text.replace(runsAboveAscii, mendRun) : text);

/** Mends every string below `root` in place, keys included; iterative, so nesting as deep as JSON.parse takes cannot overflow the stack. */
const mendAll = (root: unknown): unknown => {
  if (typeof root === 'string') return mend(root);
  const pending: object[] = typeof root === 'object' && root !== null ? [root] : [];
  for (let value = pending.pop(); value !== undefined; value = pending.pop()) {
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index += 1) {
        const item: unknown = value[index];
        if (typeof item === 'string') value[index] = mend(item);
        else if (typeof item === 'object' && item !== null) pending.push(item);
      }
      continue;
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.some((key) => aboveAscii.test(key))) {
      // Rebuilt in the same order, so a mended key lands where the decoded text put it, and two
      // keys that decode alike keep the later value, as JSON.parse keeps it.
      const entries = keys.map((key) => [mend(key), record[key]] as const);
      for (const key of keys) delete record[key];
      for (const [key, item] of entries) Object.defineProperty(record, key, { value: item, writable: true, enumerable: true, configurable: true });
    }
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (typeof item === 'string') record[key] = mend(item);
      else if (typeof item === 'object' && item !== null) pending.push(item);
    }
  }
  return root;
};

/**
 * The JSON value in `bytes` (UTF-8, a leading byte-order mark ignored), exactly as
 * `JSON.parse(new TextDecoder().decode(bytes))` gives it; throws its SyntaxError when they are not JSON.
 */
export const parseJsonBytes = (bytes: Uint8Array): unknown => {
  if (isAscii(bytes)) return plainParse(bytes);
  const start = bytes[0] === byteOrderMark[0] && bytes[1] === byteOrderMark[1] && bytes[2] === byteOrderMark[2] ? 3 : 0;
  const text = latin1(start === 0 ? bytes : bytes.subarray(start));
  if (latin1Escape.test(text)) return plainParse(bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return plainParse(bytes);
  }
  return aboveAscii.test(text) ? mendAll(value) : value;
};
