/**
 * What a reader sees in a lake, to compare before and after something tries to break it: every
 * table's published rows, read the way `spotify-etl query` reads them, reduced to a count and a hash.
 */
import { createHash } from 'node:crypto';
import { cp, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDbQueryEngine, openDuckDb } from '../../adapters/local/duckdb-catalog';
import { tableNames, type TableName } from '../../core/tables';

/** One table as a reader sees it: how many rows, and a hash of all of them in a fixed order. */
export interface TableState {
  readonly rows: number;
  readonly sha256: string;
}

/** Every table's published rows; `warnings` are what the query engine said about the lake (a damaged manifest). */
export const readerView = async (lake: string): Promise<{ tables: Record<TableName, TableState>; warnings: string[] }> => {
  const warnings: string[] = [];
  const db = await openDuckDb();
  try {
    const engine = new DuckDbQueryEngine(lake, db.connection, { readOnly: true, onWarning: (message) => warnings.push(message) });
    const tables = {} as Record<TableName, TableState>;
    for (const table of tableNames) {
      const rows = await engine.query(`SELECT * FROM ${table} ORDER BY ALL`);
      tables[table] = { rows: rows.length, sha256: createHash('sha256').update(JSON.stringify(rows)).digest('hex') };
    }
    return { tables, warnings };
  } finally {
    db.close();
  }
};

/** Every table's published rows (see {@link readerView}). */
export const publishedState = async (lake: string): Promise<Record<TableName, TableState>> => (await readerView(lake)).tables;

/** A copy of a whole lake (raw, curated, manifests, catalog, state), to try something on without touching the original. */
export const copyLake = async (from: string, to: string): Promise<string> => {
  await cp(from, to, { recursive: true });
  return to;
};

/** The files (not folders) below `folder`, relative to it and sorted. */
export const filesBelow = async (folder: string): Promise<string[]> =>
  (await readdir(folder, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
    .sort();

/** The real payloads vendored in test/fixtures/spotify/real/ (their MANIFEST.md). */
export const realPayloads = fileURLToPath(new URL('../fixtures/spotify/real/', import.meta.url));

/** One playlist's page among the real payloads: left out of one fixture set, so two runs of a date publish different rows. */
export const droppablePayload = 'zmb3__playlist_23Ay9WfURne0LvtlCvYTkj__GET_tracks_episodes_and_tracks.json';
