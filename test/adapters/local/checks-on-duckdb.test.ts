import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbQueryEngine } from '../../../adapters/local/duckdb-catalog';
import { checkNames, evaluateChecks, validationSql, type CheckExpectations, type CheckName } from '../../../core/checks';
import type { CheckResult } from '../../../core/lake/manifest';
import type { TableRows } from '../../../core/tables';
import { countsOf, createTestLake, goodDay, type TestLake } from './lake-fixture';

// Each test writes its own date into one shared lake: the checks must look at their date only.
let lake: TestLake;
let nextDay = 1;

beforeAll(async () => {
  lake = await createTestLake();
});
afterAll(async () => {
  await lake.remove();
});

/** Writes `rows` as run-1's candidate of a fresh date, crawls, runs the validation query of that candidate and evaluates it. */
const validate = async (
  rows: TableRows,
  expected: Partial<CheckExpectations> = {},
): Promise<Record<CheckName, CheckResult>> => {
  const date = `2026-10-${String(nextDay++).padStart(2, '0')}`;
  await lake.write(date, rows, { publish: false });
  await lake.crawl();
  const sql = validationSql(date, 'run-1', { tables: countsOf(rows), lostEntriesByPlaylist: {}, ...expected });
  // The pipeline's engine: candidates only, so a check that read a published table would fail here as in a run.
  const engine = new DuckDbQueryEngine(lake.root, lake.db, { staged: true, published: 'when-named' });
  const results = evaluateChecks(await engine.query(sql));
  return Object.fromEntries(results.map((result) => [result.name, result])) as Record<CheckName, CheckResult>;
};

/** The names of the checks that failed. */
const failed = (results: Record<CheckName, CheckResult>): string[] =>
  Object.values(results)
    .filter((result) => !result.passed)
    .map((result) => result.name);

describe('validation checks run on DuckDB over the curated Parquet', () => {
  it('passes every check on a consistent day', async () => {
    // Act
    const results = await validate(goodDay());

    // Assess
    expect(Object.keys(results)).toEqual([...checkNames]);
    expect(failed(results)).toEqual([]);
  });

  it('passes items_match_total when the missing entries are the ones the playlist\'s rejects cost', async () => {
    // Prepare
    const rows = goodDay();
    rows.playlists = rows.playlists.map((p) => (p.playlist_id === 'pl2' ? { ...p, total_items: 5 } : p));

    // Act
    const results = await validate(rows, { lostEntriesByPlaylist: { pl2: 2, pl1: 0 } });

    // Assess
    expect(failed(results)).toEqual([]);
  });

  it('passes positions_dense when the one missing position is that of a rejected entry', async () => {
    // Prepare: pl1 had three entries; the one at position 1 did not decode
    const rows = goodDay();
    rows.playlist_items = rows.playlist_items.filter((i) => !(i.playlist_id === 'pl1' && i.position === 1));
    const expected = { tables: countsOf(rows), lostEntriesByPlaylist: { pl1: 1 } };

    // Act
    const results = await validate(rows, expected);

    // Assess
    expect(failed(results)).toEqual([]);
  });

  it('fails items_match_total, naming the playlist whose items do not add up to total_items', async () => {
    // Prepare
    const rows = goodDay();
    rows.playlists = rows.playlists.map((p) => (p.playlist_id === 'pl1' ? { ...p, total_items: 4 } : p));

    // Act
    const results = await validate(rows);

    // Assess
    expect(results.items_match_total).toEqual({ name: 'items_match_total', passed: false, count: 1, offending: ['pl1'] });
    expect(failed(results)).toEqual(['items_match_total']);
  });

  it('fails positions_dense, naming a playlist with a duplicate position', async () => {
    // Prepare
    const rows = goodDay();
    rows.playlist_items = rows.playlist_items.map((i) =>
      i.playlist_id === 'pl2' && i.position === 2 ? { ...i, position: 1 } : i,
    );

    // Act
    const results = await validate(rows);

    // Assess
    expect(results.positions_dense).toMatchObject({ passed: false, offending: ['pl2'] });
    expect(failed(results)).toEqual(['positions_dense']);
  });

  it('fails positions_dense, naming a playlist whose positions have a gap', async () => {
    // Prepare
    const rows = goodDay();
    rows.playlist_items = rows.playlist_items.map((i) =>
      i.playlist_id === 'pl1' && i.position === 2 ? { ...i, position: 3 } : i,
    );

    // Act
    const results = await validate(rows);

    // Assess
    expect(results.positions_dense).toMatchObject({ passed: false, offending: ['pl1'] });
  });

  it('fails songs_resolvable, naming the song id that has no songs row', async () => {
    // Prepare
    const rows = goodDay();
    rows.songs = rows.songs.filter((s) => s.song_id !== 's2');
    rows.song_artists = rows.song_artists.filter((s) => s.song_id !== 's2');

    // Act
    const results = await validate(rows);

    // Assess
    expect(results.songs_resolvable).toEqual({ name: 'songs_resolvable', passed: false, count: 1, offending: ['s2'] });
    expect(failed(results)).toEqual(['songs_resolvable']);
  });

  it('fails albums_resolvable, naming the album id that has no albums row', async () => {
    // Prepare
    const rows = goodDay();
    rows.songs = rows.songs.map((s) => (s.song_id === 's3' ? { ...s, album_id: "al'missing" } : s));

    // Act
    const results = await validate(rows);

    // Assess
    expect(results.albums_resolvable).toMatchObject({ passed: false, count: 1, offending: ["al'missing"] });
    expect(failed(results)).toEqual(['albums_resolvable']);
  });

  it('fails artists_resolvable for a primary artist, a song artist and an album artist that have no artists row', async () => {
    // Prepare
    const rows = goodDay();
    rows.songs = rows.songs.map((s) => (s.song_id === 's3' ? { ...s, primary_artist_id: 'ghost-primary' } : s));
    rows.song_artists = [...rows.song_artists, { song_id: 's3', artist_id: 'ghost-song', artist_position: 1 }];
    rows.album_artists = [...rows.album_artists, { album_id: 'al2', artist_id: 'ghost-album', artist_position: 1 }];

    // Act
    const results = await validate(rows);

    // Assess
    expect(results.artists_resolvable).toMatchObject({
      passed: false,
      count: 3,
      offending: ['ghost-album', 'ghost-primary', 'ghost-song'],
    });
    expect(failed(results)).toEqual(['artists_resolvable']);
  });

  it('fails dimension_keys_unique, naming table and key of a duplicated dimension row', async () => {
    // Prepare
    const rows = goodDay();
    rows.artists = [...rows.artists, { artist_id: 'ar2', name: 'Artist Two again' }];
    rows.albums = [...rows.albums, ...rows.albums.filter((a) => a.album_id === 'al1')];

    // Act
    const results = await validate(rows);

    // Assess
    expect(results.dimension_keys_unique).toMatchObject({ passed: false, count: 2, offending: ['albums:al1', 'artists:ar2'] });
    expect(failed(results)).toEqual(['dimension_keys_unique']);
  });

  it('fails counts_match_manifest, naming each table whose row count differs from the manifest', async () => {
    // Prepare
    const rows = goodDay();

    // Act
    const results = await validate(rows, { tables: { ...countsOf(rows), songs: 4, album_artists: 1 } });

    // Assess
    expect(results.counts_match_manifest).toMatchObject({
      passed: false,
      count: 2,
      offending: ['album_artists', 'songs'],
    });
    expect(failed(results)).toEqual(['counts_match_manifest']);
  });

  it('reports at most five offending keys but counts them all', async () => {
    // Prepare
    const rows = goodDay();
    const ghosts = Array.from({ length: 7 }, (_, n) => `ghost-${String(n)}`);
    rows.song_artists = [...rows.song_artists, ...ghosts.map((id) => ({ song_id: 's1', artist_id: id, artist_position: 9 }))];

    // Act
    const results = await validate(rows);

    // Assess
    expect(results.artists_resolvable).toMatchObject({ passed: false, count: 7, offending: ghosts.slice(0, 5) });
  });

  it('checks only its own date, whatever other dates hold', async () => {
    // Prepare: a broken day, then a good one
    const broken = goodDay();
    broken.songs = [];
    await validate(broken);

    // Act
    const results = await validate(goodDay());

    // Assess
    expect(failed(results)).toEqual([]);
  });
});
