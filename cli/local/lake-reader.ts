/**
 * How `spotify-etl query` and `spotify-etl report` read the lake. A module of its own, apart from
 * the run's summary, so `query` loads neither the run's plan nor the step contracts.
 */

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

/** A {@link LakeReader} of `lake`; `onWarning` hears of damaged manifests, once. */
export const lakeReader = (lake: string, onWarning?: (message: string) => void): LakeReader => {
  let opened: Promise<{ query: (sql: string) => Promise<Record<string, unknown>[]>; close: () => void }> | undefined;
  const open = async () => {
    const { DuckDbQueryEngine, openDuckDb } = await import('../../adapters/local/duckdb-catalog');
    const db = await openDuckDb();
    const engine = new DuckDbQueryEngine(lake, db.connection, { readOnly: true, ...(onWarning ? { onWarning } : {}) });
    return { query: (sql: string) => engine.query(sql), close: () => db.close() };
  };
  return {
    query: async (sql) => (await (opened ??= open())).query(sql),
    close: async () => {
      const db = await opened?.catch(() => undefined);
      opened = undefined;
      db?.close();
    },
  };
};

/** Runs `sql` on a DuckDB of its own over the lake's recorded catalog, as `spotify-etl query` does (see {@link LakeReader}). */
export const queryLake = async (lake: string, sql: string, onWarning?: (message: string) => void): Promise<Record<string, unknown>[]> => {
  const reader = lakeReader(lake, onWarning);
  try {
    return await reader.query(sql);
  } finally {
    await reader.close();
  }
};
