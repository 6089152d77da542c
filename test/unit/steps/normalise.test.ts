import { describe, expect, it } from 'vitest';
import { curatedPartKey, runManifestKey } from '../../../core/lake/keys';
import type { RunManifest } from '../../../core/lake/manifest';
import { tableNames } from '../../../core/tables';
import { runExtractItems } from '../../../steps/extract-items/step';
import { runGetPlaylist } from '../../../steps/get-playlist/step';
import { runNormalise } from '../../../steps/normalise/step';
import { FakeSpotify, fixedClock, JsonTableEncoder, MemoryBlobStore } from './fakes';

const date = '2026-11-20';
const first = '1Cp6VQCKf2VL4sP09jN9oX';
const second = '3toMXYM91T55pKzuysH5Ph';
const absent = '5lH9NjOeJvctAO92ZrKQNB';
const run = { mode: 'manual' as const, executionName: 'exec-1', startedAt: '2026-11-20T09:00:00.000Z' };

/** Lands both playlists as raw through the real extraction steps. */
const landed = async (): Promise<MemoryBlobStore> => {
  const store = new MemoryBlobStore();
  const spotify = new FakeSpotify({ [first]: 70, [second]: 3 });
  for (const playlistId of [first, second]) {
    const opened = await runGetPlaylist({ spotify, store })({ date, playlistId });
    if (!('cursor' in opened)) throw new Error(`the fake Spotify rate-limited ${playlistId}`);
    await runExtractItems({ spotify, store, pageSize: 50, maxPages: 40 })({ date, playlistId, cursor: opened.cursor });
  }
  return store;
};

describe('Normalise', () => {
  it('writes one part per table, removes stale parts, and records the manifest', async () => {
    // Prepare
    const store = await landed();
    await store.put(curatedPartKey('songs', date, 1), 'left by an older run');
    const normalise = runNormalise({ store, encoder: new JsonTableEncoder(), clock: fixedClock('2026-11-20T09:05:00Z') });
    // Act
    const output = await normalise({ date, extract: true, playlistIds: [first, second, absent], run });
    // Assess
    expect(output).toMatchObject({ date, playlists: 2, missing: [absent], rejectCount: 0 });
    expect(output.tables.playlist_items).toBe(73);
    expect(output.tables.playlists).toBe(2);
    for (const table of tableNames) expect(await store.list(`curated/${table}/`)).toEqual([curatedPartKey(table, date, 0)]);
    expect((store.json(curatedPartKey('playlist_items', date, 0)) as unknown[]).length).toBe(73);
    const manifest = store.json(runManifestKey(date)) as RunManifest;
    expect(manifest).toMatchObject({ snapshotDate: date, status: 'normalised', mode: 'manual', executionName: 'exec-1', extractedAt: run.startedAt });
    expect(manifest.tables).toEqual(output.tables);
    expect(manifest.playlists.map((p) => [p.playlistId, p.rows, p.totalItems])).toEqual([[first, 70, 70], [second, 3, 3]]);
  });

  it('writes the same rows again on a rerun, never duplicates, and a rebuild keeps the extraction time', async () => {
    // Prepare
    const store = await landed();
    const normalise = runNormalise({ store, encoder: new JsonTableEncoder(), clock: fixedClock('2026-11-20T09:05:00Z') });
    await normalise({ date, extract: true, playlistIds: [first, second], run });
    const before = tableNames.map((table) => store.text(curatedPartKey(table, date, 0)));
    // Act
    await normalise({ date, extract: false, playlistIds: [first, second], run: { ...run, mode: 'backfill', startedAt: '2026-12-01T00:00:00.000Z' } });
    // Assess
    expect(tableNames.map((table) => store.text(curatedPartKey(table, date, 0)))).toEqual(before);
    expect((store.json(runManifestKey(date)) as RunManifest).extractedAt).toBe(run.startedAt);
  });

  it('normalises only the run\'s playlists of the date', async () => {
    const store = await landed();

    const output = await runNormalise({ store, encoder: new JsonTableEncoder(), clock: fixedClock('2026-11-20T09:05:00Z') })({
      date,
      extract: true,
      playlistIds: [second],
      run,
    });

    expect(output.tables.playlist_items).toBe(3);
    expect(output.tables.playlists).toBe(1);
  });
});
