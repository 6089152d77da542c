import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateChecks, validationSql } from '../../../core/checks';
import { buildAttempt, withAttempt } from '../../../core/lake/manifest';
import { writeManifest } from '../../../core/manifests';
import { normalise, type Normalised, type RawPlaylistSnapshot } from '../../../core/normalise';
import { tableNames } from '../../../core/tables';
import { runStartValidation } from '../../../steps/start-validation/step';
import { asReturned, countsOf, createTestLake, type TestLake } from './lake-fixture';

// Real Spotify response bodies, vendored with their sources in test/fixtures/spotify/real/MANIFEST.md.
const realPayloads = new URL('../../fixtures/spotify/real/', import.meta.url);
const payload = (file: string): unknown => JSON.parse(readFileSync(new URL(file, realPayloads), 'utf8'));

/** Metadata as `GET /playlists/{id}?fields=…` gives it, for the two playlists recorded only as pages. */
const metadataOnly = (id: string) => ({ id, name: id, snapshot_id: 'recorded', owner: { id: 'owner' }, collaborative: false });

const snapshots: RawPlaylistSnapshot[] = [
  {
    playlistId: '37i9dQZF1DZ06evO25rXbO',
    playlist: payload('spotdl__playlist_37i9dQZF1DZ06evO25rXbO_ThisIsGorillaz__GET_playlist.json'),
    pages: [payload('spotdl__playlist_37i9dQZF1DZ06evO25rXbO_ThisIsGorillaz__GET_tracks_offset0.json')],
  },
  {
    playlistId: '1Cp6VQCKf2VL4sP09jN9oX',
    playlist: payload('joostlek__playlist_1Cp6VQCKf2VL4sP09jN9oX__GET_playlist_2026_dual_shape.json'),
    pages: [payload('joostlek__playlist_items__GET_items_2026_dual_shape.json')],
  },
  {
    playlistId: '3toMXYM91T55pKzuysH5Ph',
    playlist: payload('joostlek__playlist_Starred__GET_playlist_with_local_file.json'),
    pages: [],
  },
  {
    playlistId: '5lH9NjOeJvctAO92ZrKQNB',
    playlist: metadataOnly('5lH9NjOeJvctAO92ZrKQNB'),
    pages: [payload('zmb3__playlist_5lH9NjOeJvctAO92ZrKQNB_DutchTop40__GET_tracks.json')],
  },
  {
    playlistId: '23Ay9WfURne0LvtlCvYTkj',
    playlist: metadataOnly('23Ay9WfURne0LvtlCvYTkj'),
    pages: [payload('zmb3__playlist_23Ay9WfURne0LvtlCvYTkj__GET_tracks_episodes_and_tracks.json')],
  },
];

const date = '2026-11-20';

describe('real Spotify payloads → normalise() → Parquet → local catalog → DuckDB', () => {
  let lake: TestLake;
  let normalised: Normalised;

  beforeAll(async () => {
    lake = await createTestLake();
    normalised = normalise(snapshots);
    await lake.write(date, normalised.tables);
    await lake.crawl();
  });
  afterAll(async () => {
    await lake.remove();
  });

  it('reads back exactly the rows the normaliser produced, table by table', async () => {
    for (const table of tableNames) {
      // Act
      const read = await lake.engine.query(`SELECT * EXCLUDE (snapshot_date) FROM ${table}`);

      // Assess
      expect(asReturned(read), table).toEqual(asReturned(normalised.tables[table]));
    }
  });

  it('keeps every kind of entry and the algorithmic playlist\'s epoch added_at', async () => {
    // Act
    const kinds = await lake.engine.query(
      'SELECT item_type, COUNT(*) AS n FROM playlist_items GROUP BY item_type ORDER BY item_type',
    );
    const [epoch] = await lake.engine.query(
      "SELECT MIN(added_at) AS first, MAX(added_at) AS last FROM playlist_items WHERE playlist_id = '37i9dQZF1DZ06evO25rXbO'",
    );

    // Assess
    expect(kinds.map((row) => row['item_type'])).toEqual(expect.arrayContaining(['episode', 'local', 'track']));
    expect(kinds.reduce((sum, row) => sum + Number(row['n']), 0)).toBe(normalised.tables.playlist_items.length);
    expect(epoch).toEqual({ first: '1970-01-01T00:00:00.000Z', last: '1970-01-01T00:00:00.000Z' });
  });

  it('passes every validation check on what it wrote', async () => {
    // Act
    const rows = await lake.engine.query(
      validationSql(date, 'run-1', { tables: countsOf(normalised.tables), lostEntriesByPlaylist: normalised.lostEntries }),
    );

    // Assess
    expect(evaluateChecks(rows).filter((check) => !check.passed)).toEqual([]);
    expect(normalised.tables.playlists).toHaveLength(snapshots.length);
  });
});

describe('items_match_total over what StartValidation reads from the manifest', () => {
  const top40 = 'zmb3__playlist_5lH9NjOeJvctAO92ZrKQNB_DutchTop40__GET_tracks.json';
  /** The Dutch Top 40 page (40 entries) cut into two pages at offset 20, each saying `total`. */
  const halves = (totals: readonly [unknown, unknown]): unknown[] => {
    const page = payload(top40) as { items: unknown[] };
    return [
      { ...page, items: page.items.slice(0, 20), offset: 0, total: totals[0] },
      { ...page, items: page.items.slice(20), offset: 20, total: totals[1] },
    ];
  };
  let lake: TestLake;
  beforeAll(async () => {
    lake = await createTestLake();
  });
  afterAll(async () => {
    await lake.remove();
  });

  /** Normalises one playlist of `pages` into the lake as Normalise would, runs StartValidation's query, and returns the failed checks. */
  const failedChecks = async (day: string, pages: unknown[]) => {
    const normalised = normalise([{ playlistId: 'p', playlist: metadataOnly('p'), pages }]);
    await lake.write(day, normalised.tables, { publish: false });
    await writeManifest(
      lake.store,
      withAttempt(day, undefined, buildAttempt({ status: 'normalised', mode: 'manual', executionName: 'run-1', extractedAt: null, updatedAt: day, normalised })),
    );
    await lake.crawl();
    const { queryId } = await runStartValidation({ store: lake.store, queries: lake.engine })({ date: day, executionName: 'run-1' });
    await lake.engine.query('SELECT 1'); // the engine runs one query at a time: this one ends after the validation query
    return evaluateChecks(await lake.engine.results(queryId)).filter((check) => !check.passed);
  };

  it('passes when pages disagree on the total but every entry was read', async () => {
    expect(await failedChecks('2026-11-01', halves([40, 41]))).toEqual([]);
  });

  it('passes when a page of 20 entries does not decode and its 20 entries are the ones missing', async () => {
    expect(await failedChecks('2026-11-02', halves([40, '40']))).toEqual([]);
  });

  it('fails when a page is missing without any reject, naming the playlist', async () => {
    // Prepare
    const [first] = halves([40, 40]);

    // Act
    const failed = await failedChecks('2026-11-03', [first]);

    // Assess
    expect(failed).toEqual([{ name: 'items_match_total', passed: false, count: 1, offending: ['p'] }]);
  });
});
