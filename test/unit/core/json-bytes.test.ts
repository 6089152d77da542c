import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJsonBytes } from '../../../core/json-bytes';

/** What parseJsonBytes must give: the value, or the error's message. */
const reference = (bytes: Uint8Array): { value: unknown } | { error: string } => {
  try {
    return { value: JSON.parse(new TextDecoder().decode(bytes)) as unknown };
  } catch (error) {
    return { error: String(error) };
  }
};

const outcome = (bytes: Uint8Array): { value: unknown } | { error: string } => {
  try {
    return { value: parseJsonBytes(bytes) };
  } catch (error) {
    return { error: String(error) };
  }
};

/** Same value, same key order (JSON.stringify walks keys in order), same error. */
const expectSameAsReference = (bytes: Uint8Array): void => {
  const expected = reference(bytes);
  const actual = outcome(bytes);
  expect(actual).toStrictEqual(expected);
  if ('value' in expected && 'value' in actual) expect(JSON.stringify(actual.value)).toBe(JSON.stringify(expected.value));
};

const bytesOf = (...parts: readonly (string | readonly number[])[]): Uint8Array =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));

/** A small seeded generator (mulberry32), so a failure names a seed that reproduces it. */
const randomOf = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let value = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
  return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
};

/**
 * Pieces of a JSON string's inside, as bytes: text in every UTF-8 length, a byte-order mark, the
 * escapes that matter (one of U+0080–U+00FF among them), and malformed UTF-8 of each kind.
 */
const stringPieces: readonly (string | readonly number[])[] = [
  'plain',
  'é',
  'Ωmega',
  '中文',
  '😀',
  '\uFEFF',
  '\u2028',
  'Ã©',
  '\\u00e9',
  '\\u4e2d',
  '\\ud83d\\ude00',
  '\\ud800',
  '\\\\u00e9',
  '\\"',
  '\\n',
  [0x80],
  [0xc3],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xff, 0xfe],
  [0xc0, 0xaf],
];

const jsonText = (random: () => number): Uint8Array => {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const string = (): (string | readonly number[])[] => ['"', ...Array.from({ length: Math.floor(random() * 5) }, () => pick(stringPieces)), '"'];
  const value = (depth: number): (string | readonly number[])[] => {
    const kind = depth > 3 ? Math.floor(random() * 3) : Math.floor(random() * 5);
    if (kind === 0) return string();
    if (kind === 1) return [pick(['1', '-0', '2.5e3', 'true', 'null'])];
    if (kind === 2) return [pick(['[]', '{}', '""'])];
    if (kind === 3) {
      const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => value(depth + 1));
      return ['[', ...items.flatMap((item, index) => (index === 0 ? item : [',', ...item])), ']'];
    }
    const members = Array.from({ length: 1 + Math.floor(random() * 4) }, () => [...string(), ':', ...value(depth + 1)]);
    return ['{', ...members.flatMap((member, index) => (index === 0 ? member : [',', ...member])), '}'];
  };
  const parts = value(0);
  // Now and then a byte-order mark, or a byte above 0x7F where the structure is.
  if (random() < 0.1) parts.unshift([0xef, 0xbb, 0xbf]);
  if (random() < 0.05) parts.splice(Math.floor(random() * parts.length), 0, [0xc3, 0xa9]);
  return bytesOf(...parts);
};

describe('parseJsonBytes', () => {
  it('reads every real Spotify payload the tests hold exactly as decoding then parsing does', () => {
    const folder = join(import.meta.dirname, '../../fixtures/spotify');
    const files = readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.json'));
    expect(files.length).toBeGreaterThan(5);
    for (const name of files) expectSameAsReference(readFileSync(join(folder, name)));
  });

  it('gives what decoding then parsing gives for 5,000 generated texts with every kind of UTF-8, escape and malformed byte', () => {
    for (let seed = 1; seed <= 5_000; seed += 1) {
      const bytes = jsonText(randomOf(seed));
      try {
        expectSameAsReference(bytes);
      } catch (error) {
        throw new Error(`seed ${seed}: ${Buffer.from(bytes).toString('hex')}`, { cause: error });
      }
    }
  });

  it('mends a key with characters above ASCII where it stood, and keeps the later value of two keys that decode alike', () => {
    const bytes = bytesOf('{"a":1,"é":2,"b":3,"', [0xff], '":4,"', [0xfe], '":5,"__proto__":6}');

    const value = parseJsonBytes(bytes) as Record<string, unknown>;

    expect(Object.keys(value)).toEqual(['a', 'é', 'b', '\uFFFD', '__proto__']);
    expect(value['\uFFFD']).toBe(5);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expectSameAsReference(bytes);
  });

  it('keeps a byte-order mark inside a string and drops only the one that leads the text', () => {
    expect(parseJsonBytes(bytesOf([0xef, 0xbb, 0xbf], '["\uFEFFx"]'))).toEqual(['\uFEFFx']);
  });

  it('reads a string whose raw characters sit beside escapes of characters above U+00FF', () => {
    expect(parseJsonBytes(bytesOf('"é\\u4e2dü\\ud83d\\ude00ß"'))).toBe('é中ü😀ß');
  });

  it('mends strings nested deeper than a recursive walk could go', () => {
    const depth = 20_000;
    const value = parseJsonBytes(bytesOf('['.repeat(depth), '"é"', ']'.repeat(depth)));

    let inner: unknown = value;
    for (let level = 0; level < depth; level += 1) inner = (inner as unknown[])[0];
    expect(inner).toBe('é');
  });

  it('throws the SyntaxError decoding then parsing throws, quoting the text as decoded', () => {
    const bytes = bytesOf('{"name": é}');

    expect(() => parseJsonBytes(bytes)).toThrow(SyntaxError);
    expectSameAsReference(bytes);
  });
});
