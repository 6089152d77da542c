/**
 * How `spotify-etl query` and `spotify-etl report` read the lake. A module of its own, apart from
 * the run's summary, so `query` loads neither the run's plan nor the step contracts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lostRowsPhrase, vanishedFile } from '../../adapters/local/duckdb-messages';
import { listsCatalog } from '../../adapters/local/sql-names';
import { QueryFailedError } from '../../core/errors';
import { shellWords } from './text';

/**
 * The lake's published tables as `spotify-etl query` reads them: read statements only, and no file
 * but the ones the table views read (the instance is locked, hence its own). DuckDB opens on the
 * first query, and every query until `close` shares it, so they all see the lake as it was at the
 * first (every chart of a report: one instance, one registration of the views).
 */
export interface LakeReader {
  query(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/**
 * A {@link LakeReader} of `lake`; `onWarning` hears of damaged manifests and of published rows the
 * lake no longer holds, once. With `published` `'when-named'` it builds only the views its first
 * query names (see QueryEngineOptions).
 */
export const lakeReader = (lake: string, onWarning?: (message: string) => void, published: true | 'when-named' = true, signal?: AbortSignal): LakeReader => {
  let opened: Promise<{ query: (sql: string) => Promise<Record<string, unknown>[]>; close: () => Promise<void> }> | undefined;
  const open = async () => {
    const { DuckDbQueryEngine, openDuckDb } = await import('../../adapters/local/duckdb-catalog');
    // A large sort spills here: a folder of this reader's (0700, empty at first, outside the lake).
    const spillFolder = await mkdtemp(join(tmpdir(), 'spotify-etl-query-'));
    const db = await openDuckDb();
    const engine = new DuckDbQueryEngine(lake, db.connection, { readOnly: true, published, spillFolder, ...(onWarning ? { onWarning } : {}) });
    // Stopped (Ctrl-C), DuckDB ends the query it runs: it runs on DuckDB's threads, which a signal does not reach.
    const interrupt = () => db.connection.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    if (signal?.aborted) interrupt();
    return {
      query: (sql: string) => engine.query(sql),
      close: async () => {
        signal?.removeEventListener('abort', interrupt);
        db.close();
        await rm(spillFolder, { recursive: true, force: true });
      },
    };
  };
  return {
    query: async (sql) => {
      // DuckDB clears an interrupt when a query starts: a reader stopped before it asks asks nothing.
      signal?.throwIfAborted();
      return (await (opened ??= open())).query(sql);
    },
    close: async () => {
      const db = await opened?.catch(() => undefined);
      opened = undefined;
      await db?.close();
    },
  };
};

/** Runs `sql` once on a reader of its own. */
const queryOnce = async (lake: string, sql: string, published: true | 'when-named', onWarning?: (message: string) => void, signal?: AbortSignal): Promise<Record<string, unknown>[]> => {
  signal?.throwIfAborted();
  const reader = lakeReader(lake, onWarning, published, signal);
  try {
    return await reader.query(sql);
  } finally {
    await reader.close();
  }
};

/**
 * How a query fails when it reads a table whose view was not built: DuckDB knows no such table
 * (or macro), or the confinement refuses a published file read by its path.
 */
const missingView = /\b(Catalog|Permission) Error\b/;

/**
 * Runs `sql` on a DuckDB of its own over the lake's recorded catalog, as `spotify-etl query` does
 * (see {@link LakeReader}). It builds the views of the tables `sql` names first: on a lake of a
 * year of dates, building all of them (every manifest read, every view bound over its files)
 * took most of a second for `select 1`. A query that lists the catalog (SHOW TABLES …), or that
 * fails as a missing view would make it, runs with every view, so what it answers or says is what
 * it was with all of them built.
 */
export const queryLake = async (lake: string, sql: string, onWarning?: (message: string) => void, signal?: AbortSignal): Promise<Record<string, unknown>[]> => {
  // A damaged manifest is said once, though a query run again reads it again.
  const warned = new Set<string>();
  const warnOnce =
    onWarning &&
    ((message: string): void => {
      if (warned.has(message)) return;
      warned.add(message);
      onWarning(message);
    });
  // A date published again twice while this query read it: its files are gone (a publication keeps
  // the replaced run's only until the next one). Read again, the lake answers from the new manifest.
  const held: string[] = [];
  try {
    const rows = await queryViews(lake, sql, (message) => held.push(message), signal);
    if (!held.some((message) => message.includes(lostRowsPhrase))) {
      for (const message of held) warnOnce?.(message);
      return rows;
    }
  } catch (error) {
    if (!(error instanceof QueryFailedError && vanishedFile.test(error.message))) {
      for (const message of held) warnOnce?.(message);
      throw error;
    }
  }
  return queryViews(lake, sql, warnOnce, signal);
};

/** {@link queryLake}'s one reading: the views `sql` names first, then every view if it must. */
const queryViews = async (lake: string, sql: string, onWarning?: (message: string) => void, signal?: AbortSignal): Promise<Record<string, unknown>[]> => {
  if (!listsCatalog(sql)) {
    try {
      return await queryOnce(lake, sql, 'when-named', onWarning, signal);
    } catch (error) {
      if (!(error instanceof QueryFailedError && missingView.test(error.message))) throw error;
    }
  }
  return queryOnce(lake, sql, true, onWarning, signal);
};

/**
 * A failed query's message, and what to do when DuckDB could not open one of the lake's Parquet
 * files as Parquet (cut short, not Parquet at all): the file's name without the excerpt of the
 * generated view that DuckDB adds under it (`LINE 1: … read_parquet([…` and a caret: SQL the user
 * never wrote), then the backfill of its date, which rebuilds its files from raw. Any other failure,
 * a file damaged within its bounds among them (DuckDB reads it without a word), as it came.
 */
export const explainedFailure = (message: string, lake: string): string => {
  if (!/too small to be a Parquet file|No magic bytes found/.test(message)) return message;
  const date = /\/curated\/[^/]+\/snapshot_date=(\d{4}-\d{2}-\d{2})\//.exec(message)?.[1];
  if (date === undefined) return message;
  const named = message.split(/\n\s*\nLINE \d+:/)[0] ?? message;
  return `${named.trimEnd()}\nThe lake's file of ${date} is damaged: rebuild ${date} from its raw snapshots to rewrite it (${shellWords(['npx', 'spotify-etl', 'run', '--from', date, '--to', date, '--lake', lake])}).`;
};
