/**
 * A small, consistent day of curated rows (every reference resolves, positions are dense) and a
 * temp lake to write it to with the real encoder, catalog and query engine.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbCatalog, DuckDbQueryEngine, openDuckDb } from '../../../adapters/local/duckdb-catalog';
import { FsBlobStore } from '../../../adapters/local/fs-blob-store';
import { HyparquetTableEncoder } from '../../../adapters/parquet/hyparquet-table-encoder';
import type { IsoDate } from '../../../core/dates';
import { buildAttempt, withAttempt } from '../../../core/lake/manifest';
import { writeManifest } from '../../../core/manifests';
import { curatedPartKey } from '../../../core/lake/keys';
import { tableNames, type TableName, type TableRows } from '../../../core/tables';

/** The rows of one good day: two playlists (one with a local file and an episode), three songs, two albums. */
export const goodDay = (): TableRows => ({
  playlists: [
    {
      playlist_id: 'pl1',
      snapshot_id: 'snap-1',
      name: "Rock 'n' roll",
      description: null,
      owner_id: 'owner',
      owner_name: 'Owner Name',
      public: true,
      collaborative: false,
      total_items: 3,
    },
    {
      playlist_id: 'pl2',
      snapshot_id: 'snap-2',
      name: 'Mixed',
      description: 'songs, an episode and a local file',
      owner_id: 'owner',
      owner_name: null,
      public: null,
      collaborative: true,
      total_items: 3,
    },
  ],
  playlist_items: [
    { playlist_id: 'pl1', position: 0, item_type: 'track', song_id: 's1', episode_id: null, local_uri: null, added_at: new Date('2026-11-01T10:00:00.123Z'), added_by: 'owner' },
    { playlist_id: 'pl1', position: 1, item_type: 'track', song_id: 's2', episode_id: null, local_uri: null, added_at: new Date('2026-11-02T11:30:00Z'), added_by: 'friend' },
    { playlist_id: 'pl1', position: 2, item_type: 'track', song_id: 's1', episode_id: null, local_uri: null, added_at: new Date('1970-01-01T00:00:00Z'), added_by: '' },
    { playlist_id: 'pl2', position: 0, item_type: 'track', song_id: 's3', episode_id: null, local_uri: null, added_at: null, added_by: null },
    { playlist_id: 'pl2', position: 1, item_type: 'episode', song_id: null, episode_id: 'ep1', local_uri: null, added_at: new Date('2026-11-03T00:00:00Z'), added_by: 'owner' },
    { playlist_id: 'pl2', position: 2, item_type: 'local', song_id: null, episode_id: null, local_uri: 'spotify:local:Fugees:The+Score:No+Woman:273', added_at: new Date('2013-05-05T05:05:05Z'), added_by: 'owner' },
  ],
  songs: [
    { song_id: 's1', name: 'First', duration_ms: 200_000, explicit: false, disc_number: 1, track_number: 1, isrc: 'GBAAA0000001', popularity: 55, album_id: 'al1', primary_artist_id: 'ar1', uri: 'spotify:track:s1' },
    { song_id: 's2', name: 'Second', duration_ms: 180_500, explicit: true, disc_number: 1, track_number: 2, isrc: null, popularity: null, album_id: 'al1', primary_artist_id: 'ar2', uri: 'spotify:track:s2' },
    { song_id: 's3', name: '', duration_ms: 0, explicit: false, disc_number: 2, track_number: 7, isrc: null, popularity: null, album_id: null, primary_artist_id: null, uri: 'spotify:track:s3' },
  ],
  albums: [
    { album_id: 'al1', name: 'The Album', album_type: 'album', release_date: '2010', release_date_precision: 'year', release_year: 2010, total_tracks: 12 },
    { album_id: 'al2', name: 'Taken Down', album_type: null, release_date: '0000', release_date_precision: null, release_year: null, total_tracks: null },
  ],
  artists: [
    { artist_id: 'ar1', name: 'Artist One' },
    { artist_id: 'ar2', name: 'Artist Two' },
    { artist_id: 'ar3', name: 'Artist Three' },
  ],
  song_artists: [
    { song_id: 's1', artist_id: 'ar1', artist_position: 0 },
    { song_id: 's2', artist_id: 'ar2', artist_position: 0 },
    { song_id: 's2', artist_id: 'ar3', artist_position: 1 },
  ],
  album_artists: [
    { album_id: 'al1', artist_id: 'ar1', artist_position: 0 },
    { album_id: 'al2', artist_id: 'ar3', artist_position: 0 },
  ],
  playlist_changes: [],
});

/** The row count of every table. */
export const countsOf = (rows: TableRows): Record<TableName, number> =>
  Object.fromEntries(tableNames.map((table) => [table, rows[table].length])) as Record<TableName, number>;

/** Rows as the query engine returns them: timestamps as ISO strings; sorted, to compare as sets. */
export const asReturned = (rows: readonly object[]): Record<string, unknown>[] =>
  rows
    .map((row) =>
      Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value])),
    )
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/** A temp lake with the real adapters over it. */
export interface TestLake {
  readonly root: string;
  readonly store: FsBlobStore;
  readonly db: DuckDBConnection;
  readonly catalog: DuckDbCatalog;
  readonly engine: DuckDbQueryEngine;
  /**
   * Encodes every table of `rows` into run `runId`'s folder of `date` (one part each) and, unless
   * told not to, publishes that run in the date's manifest.
   * @default options { runId: 'run-1', publish: true }
   */
  write(date: IsoDate, rows: TableRows, options?: { runId?: string; publish?: boolean }): Promise<void>;
  /** Runs a crawl to its end and returns its status. */
  crawl(): ReturnType<DuckDbCatalog['crawlStatus']>;
  remove(): Promise<void>;
}

/** Creates an empty lake in a temp folder with its own in-memory DuckDB. */
export const createTestLake = async (): Promise<TestLake> => {
  const root = await mkdtemp(join(tmpdir(), 'duckdb-lake-'));
  const store = new FsBlobStore(root);
  const duckDb = await openDuckDb();
  const db = duckDb.connection;
  const catalog = new DuckDbCatalog(root, db);
  const encoder = new HyparquetTableEncoder();
  return {
    root,
    store,
    db,
    catalog,
    engine: new DuckDbQueryEngine(root, db, { staged: true }),
    async write(date, rows, options = {}) {
      const runId = options.runId ?? 'run-1';
      const encode = <T extends TableName>(table: T): Uint8Array => encoder.encode(table, rows[table]);
      for (const table of tableNames) await store.put(curatedPartKey(table, date, runId, 0), encode(table));
      if (options.publish === false) return;
      const attempt = buildAttempt({ executionName: runId, status: 'succeeded', mode: 'manual', extractedAt: null, updatedAt: '2026-11-20T00:00:00.000Z' });
      await writeManifest(store, withAttempt(date, undefined, attempt));
    },
    async crawl() {
      await catalog.startCrawl();
      await catalog.settled();
      return catalog.crawlStatus();
    },
    async remove() {
      duckDb.close();
      await rm(root, { recursive: true, force: true });
    },
  };
};
