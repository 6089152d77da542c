import { describe, expect, it } from 'vitest';
import { curatedPartKey, rawItemsPageKey, rawPlaylistKey, runManifestKey } from '../../../core/lake/keys';
import { buildAttempt, withAttempt, type RunManifest } from '../../../core/lake/manifest';
import { writeManifest } from '../../../core/manifests';
import { createNormaliser } from '../../../core/normalise';
import { tableNames } from '../../../core/tables';
import { runExtractItems } from '../../../steps/extract-items/step';
import { runGetPlaylist } from '../../../steps/get-playlist/step';
import { runNormalise } from '../../../steps/normalise/step';
import { steps } from '../../../steps/registry';
import { FakeSpotify, fixedClock, JsonTableEncoder, MemoryBlobStore } from './fakes';

const date = '2026-11-20';
const first = '1Cp6VQCKf2VL4sP09jN9oX';
const second = '3toMXYM91T55pKzuysH5Ph';
const absent = '5lH9NjOeJvctAO92ZrKQNB';
const run = { mode: 'manual' as const, executionName: 'exec-1', startedAt: '2026-11-20T09:00:00.000Z' };
const clock = fixedClock('2026-11-20T09:05:00Z');

/** Lands both playlists as raw through the real extraction steps. */
const landed = async (): Promise<MemoryBlobStore> => {
  const store = new MemoryBlobStore();
  const spotify = new FakeSpotify({ [first]: 70, [second]: 3 });
  for (const playlistId of [first, second]) {
    const opened = await runGetPlaylist({ spotify, store })({ date, playlistId });
    if (!('cursor' in opened)) throw new Error(`the fake Spotify rate-limited ${playlistId}`);
    await runExtractItems({ spotify, store, pageSize: 50, maxPages: 40 })({ date, playlistId, cursor: opened.cursor, snapshotId: opened.snapshotId });
  }
  return store;
};

const normaliseIn = (store: MemoryBlobStore) => runNormalise({ store, encoder: new JsonTableEncoder(), clock });

/** A lake that remembers which keys were read. */
class ReadRecordingStore extends MemoryBlobStore {
  public readonly reads: string[] = [];

  public override async get(key: string): Promise<Uint8Array | undefined> {
    this.reads.push(key);
    return super.get(key);
  }
}

/**
 * `first` landed and published on the day before `date` (or on `before`) as `snapshotId`, its 70
 * entries less the first `dropped`; its raw says `rawSnapshotId` when a later read replaced it.
 */
const landedTheDayBefore = async (store: MemoryBlobStore, snapshotId: string, dropped: number, before = '2026-11-19', rawSnapshotId = snapshotId): Promise<string> => {
  const attempt = buildAttempt({ executionName: 'exec-0', status: 'succeeded', mode: 'scheduled', extractedAt: null, updatedAt: `${before}T06:00:00.000Z` });
  attempt.playlists.push({ playlistId: first, snapshotId, totalItems: 70 - dropped, rows: 70 - dropped, rejects: 0, lostEntries: 0 });
  await writeManifest(store, withAttempt(before, undefined, attempt));
  const spotify = new FakeSpotify({ [first]: 70 });
  const playlist = Buffer.from((await spotify.getPlaylist(first)).body).toString().replace('"snap-1"', JSON.stringify(rawSnapshotId));
  await store.put(rawPlaylistKey(before, first), playlist);
  for (const offset of [0, 50]) {
    const page = JSON.parse(Buffer.from((await spotify.getItemsPage(first, offset, 50)).body).toString()) as { items: unknown[] };
    if (offset === 0) page.items.splice(0, dropped);
    await store.put(rawItemsPageKey(before, first, offset), JSON.stringify(page));
  }
  return before;
};

/** Publishes what `date`'s raw holds of `first` as the playlist_items of its published run (exec-0), as RecordRun leaves it. */
const publishTheRawOf = async (store: MemoryBlobStore, day: string): Promise<void> => {
  const normaliser = createNormaliser();
  const pages = await Promise.all([0, 50].map(async (offset) => JSON.parse(store.text(rawItemsPageKey(day, first, offset)) ?? '') as unknown));
  normaliser.add({ playlistId: first, playlist: JSON.parse(store.text(rawPlaylistKey(day, first)) ?? '') as unknown, pages });
  await store.put(curatedPartKey('playlist_items', day, 'exec-0', 0), new JsonTableEncoder().encode('playlist_items', normaliser.result().tables.playlist_items));
};

describe(steps.normalise.stateName, () => {
  it("writes one part per table into this run's folder, clears what a killed attempt of it left there, and records the attempt", async () => {
    // Prepare
    const store = await landed();
    await store.put(curatedPartKey('songs', date, 'exec-1', 1), 'left by a killed attempt of this run');
    // Act
    const output = await normaliseIn(store)({ date, extract: true, playlistIds: [first, second, absent], allLanded: false, run });
    // Assess
    expect(output).toMatchObject({ date, playlists: 2, missing: [absent], rejectCount: 0 });
    expect(output.tables.playlist_items).toBe(73);
    expect(output.tables.playlists).toBe(2);
    for (const table of tableNames) expect(await store.list(`curated/${table}/`)).toEqual([curatedPartKey(table, date, 'exec-1', 0)]);
    expect((store.json(curatedPartKey('playlist_items', date, 'exec-1', 0)) as unknown[]).length).toBe(73);
    const manifest = store.json(runManifestKey(date)) as RunManifest;
    expect(manifest).toMatchObject({
      snapshotDate: date,
      published: null,
      lastAttempt: { status: 'normalised', mode: 'manual', executionName: 'exec-1', runId: 'exec-1', extractedAt: run.startedAt },
    });
    expect(manifest.lastAttempt.tables).toEqual(output.tables);
    expect(manifest.lastAttempt.playlists.map((p) => [p.playlistId, p.rows, p.totalItems])).toEqual([[first, 70, 70], [second, 3, 3]]);
  });

  it("leaves the published run's files and its place in the manifest as they were", async () => {
    // Prepare
    const store = await landed();
    const published = buildAttempt({ executionName: 'exec-0', status: 'succeeded', mode: 'scheduled', extractedAt: '2026-11-20T06:00:00.000Z', updatedAt: 'x' });
    await writeManifest(store, withAttempt(date, undefined, published));
    await store.put(curatedPartKey('songs', date, 'exec-0', 0), 'published');
    // Act
    await normaliseIn(store)({ date, extract: false, playlistIds: [first, second], allLanded: false, run: { ...run, mode: 'backfill' } });
    // Assess
    expect(store.text(curatedPartKey('songs', date, 'exec-0', 0))).toBe('published');
    const manifest = store.json(runManifestKey(date)) as RunManifest;
    expect(manifest.published).toEqual(published);
    expect(manifest.lastAttempt).toMatchObject({ executionName: 'exec-1', status: 'normalised', extractedAt: '2026-11-20T06:00:00.000Z' });
  });

  it('writes the same rows again on a rerun, never duplicates, and a rebuild keeps the extraction time', async () => {
    // Prepare
    const store = await landed();
    await normaliseIn(store)({ date, extract: true, playlistIds: [first, second], allLanded: false, run });
    const before = tableNames.map((table) => store.text(curatedPartKey(table, date, 'exec-1', 0)));
    // Act
    await normaliseIn(store)({ date, extract: false, playlistIds: [first, second], allLanded: false, run: { ...run, mode: 'backfill', startedAt: '2026-12-01T00:00:00.000Z' } });
    // Assess
    expect(tableNames.map((table) => store.text(curatedPartKey(table, date, 'exec-1', 0)))).toEqual(before);
    expect((store.json(runManifestKey(date)) as RunManifest).lastAttempt.extractedAt).toBe(run.startedAt);
  });

  it("normalises only the run's playlists of the date", async () => {
    const store = await landed();

    const output = await normaliseIn(store)({ date, extract: true, playlistIds: [second], allLanded: false, run });

    expect(output.tables.playlist_items).toBe(3);
    expect(output.tables.playlists).toBe(1);
  });

  it('rebuilds every playlist landed on the date when the backfill named none and nothing of the date is published', async () => {
    const store = await landed();

    const output = await normaliseIn(store)({ date, extract: false, playlistIds: [], allLanded: true, run: { ...run, mode: 'backfill' } });

    expect(output).toMatchObject({ playlists: 2, missing: [] });
    expect(output.tables.playlist_items).toBe(73);
  });

  it('rebuilds only the playlists the date published when the backfill named none, and one of them without raw is a reject, never a drop', async () => {
    // Prepare: the date published `first` alone; `second` landed too (an earlier run of the date).
    const store = await landed();
    const attempt = buildAttempt({ executionName: 'exec-0', status: 'succeeded', mode: 'manual', extractedAt: null, updatedAt: `${date}T06:00:00.000Z` });
    attempt.playlists.push({ playlistId: first, snapshotId: 'snap-1', totalItems: 70, rows: 70, rejects: 0, lostEntries: 0 });
    await writeManifest(store, withAttempt(date, undefined, attempt));
    const rebuild = { date, extract: false, playlistIds: [], allLanded: true, run: { ...run, mode: 'backfill' as const } };
    // Act
    const asPublished = await normaliseIn(store)(rebuild);
    await store.delete(await store.list(`raw/playlists/snapshot_date=${date}/playlist_id=${first}/`));
    await store.delete(await store.list(`raw/playlist_items/snapshot_date=${date}/playlist_id=${first}/`));
    const withoutRaw = await normaliseIn(store)(rebuild);
    // Assess
    expect(asPublished).toMatchObject({ playlists: 1, missing: [], rejectCount: 0 });
    expect(asPublished.tables.playlist_items).toBe(70);
    expect(withoutRaw).toMatchObject({ playlists: 1, missing: [first] });
    expect(withoutRaw.rejectCount).toBeGreaterThan(0);
  });

  it('names a published playlist whose raw now holds another snapshot a reject when the backfill rebuilds the date as published (a failed rerun read it again)', async () => {
    // Prepare: the date published `first` as snap-0; its raw holds snap-1, read again since.
    const store = await landed();
    const attempt = buildAttempt({ executionName: 'exec-0', status: 'succeeded', mode: 'manual', extractedAt: null, updatedAt: `${date}T06:00:00.000Z` });
    attempt.playlists.push({ playlistId: first, snapshotId: 'snap-0', totalItems: 70, rows: 70, rejects: 0, lostEntries: 0 });
    await writeManifest(store, withAttempt(date, undefined, attempt));
    // Act
    const output = await normaliseIn(store)({ date, extract: false, playlistIds: [], allLanded: true, run: { ...run, mode: 'backfill' } });
    // Assess
    expect(output.rejectCount).toBeGreaterThan(0);
    expect(JSON.stringify((store.json(runManifestKey(date)) as RunManifest).lastAttempt.rejects)).toContain('not snap-0, which the date published');
  });

  it('names a raw page that is not JSON and a playlist.json that is missing as rejects, never a SyntaxError or a silent drop', async () => {
    // Prepare
    const store = await landed();
    await store.put(rawItemsPageKey(date, first, 50), '{"href": "cut short');
    await store.delete([rawPlaylistKey(date, second)]);
    // Act
    const output = await normaliseIn(store)({ date, extract: false, playlistIds: [first, second], allLanded: false, run });
    // Assess
    const manifest = store.json(runManifestKey(date)) as RunManifest;
    expect(output.rejectCount).toBe(2);
    expect(manifest.lastAttempt.rejects.map((reject) => reject.reason)).toEqual([
      expect.stringMatching(/page-000050\.json cannot be read, so none of its entries were read: it is not JSON/),
      expect.stringMatching(/playlist_id=3toMXYM91T55pKzuysH5Ph\/playlist\.json cannot be read, so there is no playlists row: it is missing/),
    ]);
    expect(manifest.lastAttempt.playlists.find((p) => p.playlistId === first)).toMatchObject({ rows: 50, lostEntries: 20 });
    expect(manifest.lastAttempt.playlists.find((p) => p.playlistId === second)).toMatchObject({ rows: 3, rejects: 1 });
  });

  it("compares a playlist with its previous snapshot's pages only when the snapshot id changed", async () => {
    // Prepare: the day before holds the same snapshot id (unchanged), or another one with two entries fewer
    const unchanged = new ReadRecordingStore();
    const edited = new ReadRecordingStore();
    for (const store of [unchanged, edited]) {
      const opened = await runGetPlaylist({ spotify: new FakeSpotify({ [first]: 70 }), store })({ date, playlistId: first, full: true });
      if (!('cursor' in opened)) throw new Error('the fake Spotify rate-limited');
      await runExtractItems({ spotify: new FakeSpotify({ [first]: 70 }), store, pageSize: 50, maxPages: 40 })({ date, playlistId: first, cursor: opened.cursor, snapshotId: opened.snapshotId });
    }
    const before = await landedTheDayBefore(unchanged, 'snap-1', 0);
    await landedTheDayBefore(edited, 'snap-0', 2);
    // Act
    for (const store of [unchanged, edited]) await normaliseIn(store)({ date, extract: true, playlistIds: [first], allLanded: false, run });
    // Assess
    const readsOf = (store: ReadRecordingStore) => store.reads.filter((key) => key.includes(`snapshot_date=${before}`)).sort();
    expect(readsOf(unchanged)).toEqual([runManifestKey(before)]);
    expect(unchanged.json(curatedPartKey('playlist_changes', date, 'exec-1', 0))).toEqual([]);
    expect((unchanged.json(runManifestKey(date)) as RunManifest).lastAttempt.playlists[0]?.outcome).toBe('unchanged');
    expect(readsOf(edited)).toEqual([rawItemsPageKey(before, first, 0), rawItemsPageKey(before, first, 50), rawPlaylistKey(before, first), runManifestKey(before)].sort());
    const changes = edited.json(curatedPartKey('playlist_changes', date, 'exec-1', 0)) as { change: string; occurrences: number }[];
    expect(changes.map((row) => [row.change, row.occurrences])).toEqual([['added', 1], ['added', 1]]);
    expect((edited.json(runManifestKey(date)) as RunManifest).lastAttempt.playlists[0]?.outcome).toBe('extracted');
  });

  it.each([
    ['read it again as another snapshot', (store: MemoryBlobStore) => landedTheDayBefore(store, 'snap-0', 5, '2026-11-19', 'snap-9')],
    ['cut its read part way', (store: MemoryBlobStore) => store.delete([rawPlaylistKey('2026-11-19', first)])],
    ['left one of its pages unreadable under the snapshot id it published', (store: MemoryBlobStore) => store.put(rawItemsPageKey('2026-11-19', first, 50), '{"items": [ trunc')],
  ])("compares a playlist with the rows the previous date published when a failed rerun of that date %s", async (_what, rerunFailed) => {
    // Prepare: 11-18 published snap-0 less 2 entries; 11-19 published snap-0 less 3, and then a failed rerun of 11-19 changed its raw.
    const store = await landed();
    await landedTheDayBefore(store, 'snap-0', 2, '2026-11-18');
    await landedTheDayBefore(store, 'snap-0', 3, '2026-11-19');
    await publishTheRawOf(store, '2026-11-19');
    await rerunFailed(store);
    // Act
    await normaliseIn(store)({ date, extract: true, playlistIds: [first], allLanded: false, run });
    // Assess: the three entries readers of 11-19 did not see, compared with 11-19.
    const changes = store.json(curatedPartKey('playlist_changes', date, 'exec-1', 0)) as { change: string; previous_snapshot_date: string }[];
    expect(changes.map((row) => [row.change, row.previous_snapshot_date])).toEqual([['added', '2026-11-19'], ['added', '2026-11-19'], ['added', '2026-11-19']]);
  });

  it('is retried when the previous date is published again while its published rows are read', async () => {
    // Prepare: 11-19 published by exec-0, its raw cut since; exec-0's file is gone because exec-5 published the date meanwhile.
    const store = await landed();
    await landedTheDayBefore(store, 'snap-0', 3, '2026-11-19');
    await store.delete([rawPlaylistKey('2026-11-19', first)]);
    const get = store.get.bind(store);
    store.get = async (key) => {
      if (key === curatedPartKey('playlist_items', '2026-11-19', 'exec-0', 0)) {
        const attempt = buildAttempt({ executionName: 'exec-5', status: 'succeeded', mode: 'manual', extractedAt: null, updatedAt: '2026-11-20T08:00:00.000Z' });
        await writeManifest(store, withAttempt('2026-11-19', undefined, attempt));
      }
      return get(key);
    };
    // Act
    const normalising = normaliseIn(store)({ date, extract: true, playlistIds: [first], allLanded: false, run });
    // Assess
    await expect(normalising).rejects.toMatchObject({ name: 'StorageUnavailableError' });
  });

  it('adds no change for a playlist whose previous date published a file that can no longer be read, rather than fail the date', async () => {
    // Prepare: 11-19 published snap-0; its raw was cut since, and its published playlist_items is damaged.
    const store = await landed();
    await landedTheDayBefore(store, 'snap-0', 3, '2026-11-19');
    await store.put(curatedPartKey('playlist_items', '2026-11-19', 'exec-0', 0), 'not a table');
    await store.delete([rawPlaylistKey('2026-11-19', first)]);
    // Act
    const output = await normaliseIn(store)({ date, extract: true, playlistIds: [first], allLanded: false, run });
    // Assess
    expect(output.rejectCount).toBe(0);
    expect(store.json(curatedPartKey('playlist_changes', date, 'exec-1', 0))).toEqual([]);
    expect(output.changesUntold).toEqual([{ playlistId: first, previousDate: '2026-11-19' }]);
  });

  it('starts a fresh manifest over one that is not JSON, so the date can be rebuilt', async () => {
    // Prepare
    const store = await landed();
    await store.put(runManifestKey(date), 'not json {');
    // Act
    await normaliseIn(store)({ date, extract: true, playlistIds: [first], allLanded: false, run });
    // Assess
    expect(store.json(runManifestKey(date))).toMatchObject({ version: 2, published: null, lastAttempt: { status: 'normalised' } });
  });
});
