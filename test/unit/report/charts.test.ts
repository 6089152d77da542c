/** The report's charts and run health from given rows and manifests, without a lake or a browser. */
import { describe, expect, it } from 'vitest';
import { buildAttempt, type RunManifest } from '../../../core/lake/manifest';
import { changesNeedHistory, reportCharts, requestsNotRecorded, type ReportData } from '../../../core/report/charts';
import { healthOf, healthRows } from '../../../core/report/health';
import { renderReport } from '../../../core/report/page';
import type { RequestCounts } from '../../../core/requests';
import { topArtistsSql as summaryTopArtistsSql } from '../../../cli/local/summary';
import { explicitShareSql, playlistChangesSql, playlistSizesSql, releaseYearsSql, topArtistsSql } from '../../../core/report/queries';

const data = (overrides: Partial<ReportData> = {}): ReportData => ({
  lake: '/data/lake',
  range: {},
  generatedAt: '2026-11-20T08:00:00.000Z',
  latestDate: '2026-11-19',
  sizes: [
    { snapshot_date: '2026-11-18', playlist_id: 'p1', name: 'Road trip', entries: 10 },
    { snapshot_date: '2026-11-19', playlist_id: 'p1', name: 'Road trip', entries: 12 },
  ],
  changes: null,
  artists: [],
  releaseYears: [],
  explicit: [],
  health: [],
  ...overrides,
});

const chart = (report: ReportData, id: string) => reportCharts(report).find((each) => each.id === id);

const manifest = (date: string, attempt: Partial<Parameters<typeof buildAttempt>[0]> & { requests?: RequestCounts }): RunManifest => {
  const { requests, ...input } = attempt;
  const built = buildAttempt({ executionName: `local-${date}`, status: 'succeeded', mode: 'scheduled', extractedAt: `${date}T06:00:00.000Z`, updatedAt: `${date}T06:00:42.500Z`, ...input });
  const lastAttempt = requests === undefined ? built : { ...built, requests };
  return { version: 2, snapshotDate: date, published: lastAttempt.status === 'succeeded' ? lastAttempt : null, lastAttempt };
};

describe('the sizes chart', () => {
  it("draws each playlist's entries on its dates, a gap where it has none, the largest on the last date first, and tables first and last", () => {
    // Prepare: p2 has no row on the 18th
    const sizes = [
      { snapshot_date: '2026-11-17', playlist_id: 'p1', name: 'Road trip', entries: 10 },
      { snapshot_date: '2026-11-18', playlist_id: 'p1', name: 'Road trip', entries: 11 },
      { snapshot_date: '2026-11-19', playlist_id: 'p1', name: 'Road trip', entries: 12 },
      { snapshot_date: '2026-11-17', playlist_id: 'p2', name: 'Focus', entries: 30 },
      { snapshot_date: '2026-11-19', playlist_id: 'p2', name: 'Focus', entries: 20 },
    ] as const;
    // Act
    const drawn = chart(data({ sizes: [...sizes] }), 'playlist-sizes');
    // Assess
    expect(drawn?.option?.['series']).toMatchObject([
      { name: 'Focus', data: [30, null, 20] },
      { name: 'Road trip', data: [10, 11, 12] },
    ]);
    expect(drawn?.table.rows).toEqual([
      ['Road trip', 10, 12, 2],
      ['Focus', 30, 20, -10],
    ]);
  });
});

describe('the changes chart', () => {
  it('waits for playlist history while the lake has no playlist_changes table', () => {
    expect(chart(data(), 'playlist-changes')).toMatchObject({ option: null, note: changesNeedHistory });
  });

  it('draws entries added above zero and removed below it once the table has rows', () => {
    // Act
    const drawn = chart(data({ changes: [
      { snapshot_date: '2026-11-19', change: 'added', entries: 5 },
      { snapshot_date: '2026-11-19', change: 'removed', entries: 3 },
      { snapshot_date: '2026-11-18', change: 'added', entries: 1 },
    ] }), 'playlist-changes');
    // Assess
    expect(drawn?.option?.['series']).toMatchObject([{ name: 'added', data: [1, 5] }, { name: 'removed', data: [0, -3] }]);
    expect(drawn?.table.rows).toEqual([['2026-11-18', 1, 0], ['2026-11-19', 5, 3]]);
  });
});

describe('the run health', () => {
  it('times a run from reading Spotify to its last record, but not a backfill, which keeps the old extraction time', () => {
    const rows = healthRows([manifest('2026-11-19', {}), manifest('2026-11-18', { mode: 'backfill', updatedAt: '2026-11-21T08:00:00.000Z' })].map(healthOf));

    expect(rows.map((row) => [row.date, row.durationSeconds])).toEqual([['2026-11-18', null], ['2026-11-19', 42.5]]);
  });

  it('times the date a backfill extracted from Spotify (today in its range) like a scheduled run, but not the dates it rebuilt', () => {
    // Prepare: run --from 2026-11-25 --to 2026-11-27 on the 27th; FetchToken's token request is counted on the first date
    const rebuilt = manifest('2026-11-25', { mode: 'backfill', extractedAt: '2026-11-25T06:00:00.000Z', updatedAt: '2026-11-27T09:00:50.000Z', requests: { spotifyApi: 0, spotifyToken: 1 } });
    const extracted = manifest('2026-11-27', { mode: 'backfill', extractedAt: '2026-11-27T09:00:00.000Z', updatedAt: '2026-11-27T09:00:50.000Z', requests: { spotifyApi: 14, spotifyToken: 0 } });
    // Act
    const health = healthRows([rebuilt, extracted].map(healthOf));
    // Assess
    expect(health.map((row) => [row.date, row.durationSeconds])).toEqual([['2026-11-25', null], ['2026-11-27', 50]]);
    expect(chart(data({ health }), 'run-duration')?.table.rows).toEqual([['2026-11-27', 50]]);
  });

  it('counts failed checks and says a failed attempt left the date unpublished', () => {
    const failed = manifest('2026-11-19', {
      status: 'failed',
      checks: [{ name: 'a', passed: true, count: 0, offending: [] }, { name: 'b', passed: false, count: 2, offending: ['x'] }],
      error: { name: 'ValidationFailedError', message: 'b failed' },
    });

    expect(healthRows([failed].map(healthOf))).toMatchObject([{ status: 'failed', published: false, checksPassed: 1, checksFailed: 1, error: 'ValidationFailedError: b failed' }]);
  });

  it('leaves the dates outside the range out', () => {
    const rows = healthRows(['2026-11-17', '2026-11-18', '2026-11-19'].map((date) => healthOf(manifest(date, {}))), { from: '2026-11-18', to: '2026-11-18' });

    expect(rows.map((row) => row.date)).toEqual(['2026-11-18']);
  });

  it('draws Spotify requests when manifests record them, and says they are not recorded otherwise', () => {
    const counted = healthRows([manifest('2026-11-19', { requests: { spotifyApi: 40, spotifyToken: 1 } })].map(healthOf));
    const uncounted = healthRows([manifest('2026-11-19', {})].map(healthOf));

    expect(chart(data({ health: counted }), 'spotify-requests')?.option?.['series']).toMatchObject([{ data: [40] }, { data: [1] }]);
    expect(chart(data({ health: uncounted }), 'spotify-requests')).toMatchObject({ option: null, note: requestsNotRecorded });
  });
});

describe('the top-artists chart', () => {
  it('labels artists who share a name with the start of their ids, so no bar is drawn over another, and keeps unique names as they are', () => {
    // Prepare: 15 artists, two named Wild Cities and three named Wild Fires (two of those ids start alike)
    const artist = (artist_id: string, artist: string, entries: number) => ({ artist_id, artist, entries, playlists: 1, all_entries: 200, all_playlists: 2 });
    const artists = [
      artist('Y8zYq0mQ3W6sTHt0h1b2Ab', 'Wild Cities', 20),
      artist('7pLkq0mQ3W6sTHt0h1b2Ab', 'Wild Fires', 19),
      artist('0abcDq0mQ3W6sTHt0h1b2A', 'Wild Fires', 18),
      artist('0abcEq0mQ3W6sTHt0h1b2A', 'Wild Fires', 17),
      artist('Pq1rq0mQ3W6sTHt0h1b2Ab', 'Wild Cities', 16),
      ...Array.from({ length: 10 }, (_, index) => artist(`uniq${index}q0mQ3W6sTHt0h1b2A`, `Artist ${index}`, 15 - index)),
    ];
    // Act
    const drawn = chart(data({ artists }), 'top-artists');
    // Assess
    const categories = ((drawn?.option?.['dataset'] as { source: unknown[][] }).source).map((row) => row[0]);
    expect(new Set(categories).size).toBe(15);
    expect(categories.slice(0, 6)).toEqual(['Wild Cities · Y8zY', 'Wild Fires · 7pLk', 'Wild Fires · 0abcD', 'Wild Fires · 0abcE', 'Wild Cities · Pq1r', 'Artist 0']);
    expect(drawn?.table.rows.map((row) => row[0])).toEqual(categories);
  });
});

describe('the charts of playlists', () => {
  it('tell apart playlists that share a name, in the explicit share bars, the size lines and their tables', () => {
    // Prepare: two playlists named Road trip
    const explicit = [
      { playlist_id: 'A1b2C3d4E5f6G7h8I9j0Kk', name: 'Road trip', explicit_entries: 1, track_entries: 4 },
      { playlist_id: 'Zz9y8X7w6V5u4T3s2R1q0P', name: 'Road trip', explicit_entries: 2, track_entries: 4 },
    ];
    const sizes = explicit.map(({ playlist_id, name }, i) => ({ snapshot_date: '2026-11-19', playlist_id, name, entries: 10 + i }));
    // Act
    const bars = chart(data({ explicit, sizes }), 'explicit-share');
    const lines = chart(data({ explicit, sizes }), 'playlist-sizes');
    // Assess
    const categories = ((bars?.option?.['dataset'] as { source: unknown[][] }).source).map((row) => row[0]);
    expect(categories).toEqual(['Road trip · A1b2', 'Road trip · Zz9y']);
    expect(bars?.table.rows.map((row) => row[0])).toEqual(categories);
    expect((lines?.option?.['series'] as { name: string }[]).map((series) => series.name).toSorted()).toEqual(['Road trip · A1b2', 'Road trip · Zz9y']);
    expect(lines?.table.rows.map((row) => row[0]).toSorted()).toEqual(['Road trip · A1b2', 'Road trip · Zz9y']);
  });
});

describe('the page of a lake with nothing published', () => {
  it('says what to run: locally a run with that lake, on AWS a remote start, never a --lake of a bucket', () => {
    // Prepare
    const empty = { latestDate: null, sizes: [], health: [] };
    // Act
    const local = renderReport(data({ ...empty, lake: '/data/lake' }), '');
    const deployed = renderReport(data({ ...empty, lake: 's3://spotify-etl-lake' }), '');
    // Assess
    expect(local).toContain('npx spotify-etl run --lake /data/lake');
    expect(deployed).toContain('npx spotify-etl remote start');
    expect(deployed).not.toContain('--lake s3://');
  });
});

describe('every drawn chart', () => {
  it('names both axes and has a table of its numbers', () => {
    // Prepare
    const full = data({
      changes: [{ snapshot_date: '2026-11-19', change: 'added', entries: 2 }],
      artists: [{ artist_id: 'a', artist: 'Wild Machines', entries: 4, playlists: 1, all_entries: 10, all_playlists: 1 }],
      releaseYears: [{ release_year: 1999, entries: 3 }, { release_year: 2001, entries: 1 }],
      explicit: [{ playlist_id: 'p1', name: 'Road trip', explicit_entries: 1, track_entries: 4 }],
      health: healthRows([manifest('2026-11-19', { requests: { spotifyApi: 3, spotifyToken: 1 } })].map(healthOf)),
    });
    // Act
    const charts = reportCharts(full);
    // Assess
    expect(charts.filter((each) => each.option === null)).toEqual([]);
    for (const each of charts) {
      const axes = [each.option?.['xAxis'], each.option?.['yAxis']].flat() as { name: string; type: string }[];
      const named = axes.filter((axis) => axis.type === 'value' || axis.name !== '');
      expect(named.every((axis) => /\S/.test(axis.name)), each.id).toBe(true);
      expect(named.filter((axis) => axis.type === 'value').every((axis) => /\((count|%|seconds)\)$/.test(axis.name)), each.id).toBe(true);
      expect(each.table.rows.length, each.id).toBeGreaterThan(0);
    }
  });
});

describe('the report SQL', () => {
  it('uses only what DuckDB and Trino both accept: snapshot_date compared as text, standard casts', () => {
    const statements = [playlistSizesSql({ from: '2026-11-01', to: '2026-11-30' }), playlistChangesSql({ from: '2026-11-01' }), topArtistsSql('2026-11-19'), releaseYearsSql('2026-11-19'), explicitShareSql('2026-11-19')];

    for (const sql of statements) {
      expect(sql).not.toMatch(/::|\bILIKE\b|\bQUALIFY\b|\bSTRUCT\b|"|\bDATE '/i);
      expect(sql.match(/\w+\.snapshot_date\s*(=|<|>)\s*'/g) ?? []).toEqual([]);
      expect(sql).toMatch(/CAST\(\w+\.snapshot_date AS VARCHAR\) (=|>=|<=) '2026-11-\d\d'/);
    }
  });

  it('joins the tables of one date by their ids, never by snapshot_date, so no two tables are joined through the date alone', () => {
    const statements = [topArtistsSql('2026-11-19'), releaseYearsSql('2026-11-19'), explicitShareSql('2026-11-19'), summaryTopArtistsSql('2026-11-19')];

    for (const sql of statements) {
      expect(sql).toMatch(/\bJOIN\b/);
      expect(sql).not.toMatch(/snapshot_date\s*=\s*\w+\.snapshot_date/);
    }
  });
});
