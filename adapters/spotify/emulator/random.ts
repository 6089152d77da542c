/**
 * Deterministic randomness for the emulator: every generated value and every injected fault is
 * a pure function of the seed and a key (a playlist and position, a URL and its request count),
 * never of call order, so concurrent requests and lazily generated pages give the same answers.
 */

/**
 * A 32-bit hash of the parts (FNV-1a, then a murmur3 finaliser to spread the bits).
 * @example hash32(1, 'track', 7) // the same number on every run
 */
export const hash32 = (...parts: readonly (string | number)[]): number => {
  let h = 0x811c9dc5;
  const text = parts.join('\u001f');
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
};

/** A random source: `next()` in [0, 1), plus helpers for picking. */
export interface Random {
  next(): number;
  /** A whole number in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(values: readonly T[]): T;
  chance(probability: number): boolean;
}

/** A mulberry32 generator seeded from `hash32(...parts)`. */
export const randomFor = (...parts: readonly (string | number)[]): Random => {
  let state = hash32(...parts);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let r = Math.imul(state ^ (state >>> 15), 1 | state);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: <T>(values: readonly T[]): T => values[int(0, values.length - 1)] as T,
    chance: (probability) => next() < probability,
  };
};

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A Spotify-style base-62 id of 22 characters, derived from the parts. */
export const spotifyIdFor = (...parts: readonly (string | number)[]): string => {
  const random = randomFor('id', ...parts);
  let id = '';
  for (let i = 0; i < 22; i += 1) id += base62[random.int(0, 61)];
  return id;
};
