import { describe, expect, it } from 'vitest';
import { PlaylistEntry } from '../../../core/spotify/codecs';
import { isPlaylistEntryFast } from '../../../core/spotify/entry-guard';
import { entriesOf, fixture, fixturePages, realPageFiles, realPayload, realPlaylistFiles, type Json } from './spotify-payloads';

const realEntries: Json[] = [
  ...realPlaylistFiles.flatMap((file) => entriesOf(realPayload(file))),
  ...realPageFiles.flatMap((file) => entriesOf(realPayload(file))),
];
const fixtureEntries: Json[] = Object.values(fixturePages).flatMap((f) => fixture(f.file).items);

/** Values of every JSON kind, including a fraction and an empty string, to put where a field was. */
const replacements: unknown[] = [undefined, null, 0, 1.5, '', 'x', true, [], {}, [{}]];

/**
 * Calls `visit` with the entry after replacing, one at a time, each value reachable from it
 * (every key of every object, the first two elements of every array) by each replacement,
 * restoring the value afterwards.
 */
const forEachMutation = (entry: Json, visit: (path: string) => void): void => {
  const walk = (node: Json, path: string): void => {
    if (typeof node !== 'object' || node === null) return;
    const keys = Array.isArray(node) ? node.slice(0, 2).map((_, i) => i) : Object.keys(node);
    for (const key of keys) {
      const original = node[key];
      const childPath = Array.isArray(node) ? `${path}[${key}]` : `${path}.${key}`;
      for (const value of replacements) {
        node[key] = value;
        visit(childPath);
      }
      node[key] = original;
      walk(original, childPath);
    }
  };
  walk(entry, '$');
};

describe('isPlaylistEntryFast', () => {
  it('accepts every real and hand-made entry the codec accepts, so normalising them takes the fast path', () => {
    // Prepare
    const entries = [...realEntries, ...fixtureEntries].filter((entry) => PlaylistEntry.is(entry));

    // Act
    const rejected = entries.filter((entry) => !isPlaylistEntryFast(entry));

    // Assess
    expect(entries.length).toBeGreaterThan(150);
    expect(rejected).toEqual([]);
  });

  it('never accepts what the codec rejects, whichever field of a real entry is changed to whatever kind of value', () => {
    // Prepare
    const samples = [
      ...realPlaylistFiles.map((file) => entriesOf(realPayload(file))[0]),
      ...realPageFiles.flatMap((file) => entriesOf(realPayload(file)).slice(0, 2)),
      ...fixtureEntries,
    ].map((entry: Json) => structuredClone(entry));
    const accepted: string[] = [];
    let mutations = 0;

    // Act
    for (const entry of samples) {
      forEachMutation(entry, (path) => {
        mutations += 1;
        if (isPlaylistEntryFast(entry) && !PlaylistEntry.is(entry)) accepted.push(path);
      });
    }

    // Assess
    expect(mutations).toBeGreaterThan(10_000);
    expect(accepted).toEqual([]);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'entry'],
    ['a number', 3],
    ['an array', []],
  ])('rejects %s, as the codec does', (_, value) => {
    expect([isPlaylistEntryFast(value), PlaylistEntry.is(value)]).toEqual([false, false]);
  });

  it('leaves an object that JSON.parse cannot build, such as a Date, to the codec', () => {
    expect(isPlaylistEntryFast(new Date(0))).toBe(false);
  });
});
