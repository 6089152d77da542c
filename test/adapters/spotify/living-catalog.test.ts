import { describe, expect, it } from 'vitest';
import { builtInCatalog } from '../../../adapters/spotify/emulator/built-in-catalog';
import type { EmulatedCatalog } from '../../../adapters/spotify/emulator/catalog';

/** Each playlist's snapshot id and entries as JSON, on `date`. */
const served = (date: string | undefined): Map<string, { snapshotId: unknown; entries: string }> => {
  const catalog: EmulatedCatalog = builtInCatalog({ seed: 1, shape: 'new', date });
  return new Map(
    [...catalog.playlists].map(([id, playlist]) => [id, { snapshotId: playlist.metadata.snapshot_id, entries: JSON.stringify(playlist.entries(0, playlist.total)) }]),
  );
};

describe('the built-in catalog over dates', () => {
  it('serves the same contents for the same date', () => {
    // Act
    const [a, b] = [served('2026-11-18'), served('2026-11-18')];
    // Assess
    expect(a).toEqual(b);
  });

  it('changes some playlists from one date to the next, with a new snapshot id exactly when the entries differ', () => {
    // Act
    const [before, after] = [served('2026-11-17'), served('2026-11-18')];
    // Assess
    let changed = 0;
    for (const [id, now] of after) {
      const was = before.get(id);
      expect(now.snapshotId !== was?.snapshotId, id).toBe(now.entries !== was?.entries);
      if (now.entries !== was?.entries) changed += 1;
    }
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThan(after.size);
  });

  it('keeps some playlists the same on every date', () => {
    // Act
    const dates = ['2026-11-02', '2026-11-20', '2026-12-31', '2027-06-01'].map(served);
    // Assess
    const steady = [...(dates[0] ?? new Map()).keys()].filter((id) => dates.every((d) => d.get(id)?.snapshotId === dates[0]?.get(id)?.snapshotId));
    expect(steady.length).toBeGreaterThan(0);
  });

  it('serves the generated playlists unchanged when no date is given', () => {
    // Act
    const [none, first] = [served(undefined), served('2026-11-01')];
    // Assess
    expect(none).toEqual(first);
  });
});
