/**
 * What the local catalog and the local query engine share: the offline DuckDB connection, the
 * SQL type of each column type, and the catalog record a crawl leaves in `<lake>/.catalog/` so
 * that a later process (`spotify-etl query`) registers the same tables.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import * as t from 'io-ts';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sqlString } from '../../core/checks';
import { tryDecode } from '../../core/decode';
import type { JobState } from '../../core/ports';
import { curatedTablePrefix } from '../../core/lake/keys';
import { partitionColumn, sqlTypes, tableNames, tables, type TableName } from '../../core/tables';
import { writeFileAtomically, type FsBlobStore } from './fs-blob-store';

/** An open DuckDB: the connection to query through, and close() to release it and the database itself. */
export interface LocalDuckDb {
  readonly connection: DuckDBConnection;
  /** Closes the connection, then the database: a file-backed one keeps its file locked until then. */
  close(): void;
}

/**
 * An in-memory (or file-backed) DuckDB that never reaches for the network.
 * @default options.path ':memory:'
 */
export const openDuckDb = async (options: { path?: string } = {}): Promise<LocalDuckDb> => {
  // parquet and json are built in; httpfs cannot be installed offline, so autoinstall stays off.
  const instance = await DuckDBInstance.create(options.path ?? ':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  try {
    const connection = await instance.connect();
    return {
      connection,
      close: () => {
        connection.closeSync();
        instance.closeSync();
      },
    };
  } catch (error) {
    instance.closeSync();
    throw error;
  }
};

/**
 * A quoted SQL identifier.
 * @example sqlIdentifier('position') // '"position"'
 */
export const sqlIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The outcome of the last finished crawl. */
export const CrawlOutcome = t.type({
  state: t.union([t.literal('succeeded'), t.literal('failed')]),
  message: t.union([t.string, t.undefined]),
});
export type CrawlOutcome = t.TypeOf<typeof CrawlOutcome>;

/** What crawlStatus() reports: the last outcome, or running. */
export type CrawlStatus = { state: JobState; message?: string | undefined };

/**
 * What the last crawl found: the partitions of each curated table, as Hive paths
 * `snapshot_date=D/run_id=R` (one per run's candidate, as Glue registers them), and how it ended.
 */
export const CatalogRecord = t.type({
  version: t.literal(2),
  lastCrawl: CrawlOutcome,
  partitions: t.record(t.string, t.array(t.string)),
});
export type CatalogRecord = t.TypeOf<typeof CatalogRecord>;

/** Where the catalog record of a lake lives. */
export const catalogRecordPath = (lakeRoot: string): string => join(lakeRoot, '.catalog', 'catalog.json');

/** The partition paths the catalog registered for a table (none before the first crawl). */
export const registeredPartitions = (record: CatalogRecord | undefined, table: TableName): readonly string[] =>
  record?.partitions[table] ?? [];

/** A partition path below a table's folder: `snapshot_date=D/run_id=R`. */
export const partitionPath = (date: string, runId: string): string => `snapshot_date=${date}/run_id=${runId}`;

/** The lake's catalog record, or undefined when no crawl has finished; a damaged record is reported, not ignored. */
export const readCatalogRecord = async (lakeRoot: string): Promise<CatalogRecord | undefined> => {
  const path = catalogRecordPath(lakeRoot);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  const decoded = tryDecode(CatalogRecord, json);
  if (!decoded.ok) {
    throw new Error(
      `The local catalog record ${path} is damaged (${decoded.problems.join('; ')}); delete it and crawl again.`,
    );
  }
  return decoded.value;
};

/**
 * The files a crawl found to have the schema of core/tables.ts, each with its size and
 * modification time then, by path below the lake, and the schema they were checked against: a
 * later crawl checks again only a file that is new or whose stamp differs (rewritten, cut short),
 * so a lake of a year's dates is not read whole on every run, and every file once the tables'
 * columns change (a release). A file rewritten with its size and modification time kept (`cp -p`
 * of another file over it) is not read again. Only the crawl reads the record; losing it, or
 * failing to write it, costs one full check.
 */
const checkedFilesPath = (lakeRoot: string): string => join(lakeRoot, '.catalog', 'checked-files.json');

const CheckedFiles = t.type({ schema: t.string, files: t.record(t.string, t.string) });

/** The columns and DuckDB types of every table, as one string: what a file was checked against. */
const checkedSchema = JSON.stringify(tableNames.map((table) => [table, tables[table].map((column) => `${column.name} ${sqlTypes[column.type].duckdb}`)]));

/** A file's size and modification time (nanoseconds), or undefined when it is gone. */
export const fileStamp = async (path: string): Promise<string | undefined> => {
  try {
    const { size, mtimeNs } = await stat(path, { bigint: true });
    return `${size}:${mtimeNs}`;
  } catch {
    return undefined;
  }
};

/** The stamps the last crawl recorded under the current schema, by path below the lake; none when absent, unreadable or of another schema. */
export const readCheckedFiles = async (lakeRoot: string): Promise<ReadonlyMap<string, string>> => {
  try {
    const decoded = tryDecode(CheckedFiles, JSON.parse(await readFile(checkedFilesPath(lakeRoot), 'utf8')));
    return new Map(decoded.ok && decoded.value.schema === checkedSchema ? Object.entries(decoded.value.files) : []);
  } catch {
    return new Map();
  }
};

/** Records the stamps of the files a crawl checked and registered, whole; a failure only costs the next crawl a full check. */
export const writeCheckedFiles = async (lakeRoot: string, stamps: ReadonlyMap<string, string>): Promise<void> => {
  const record: t.TypeOf<typeof CheckedFiles> = { schema: checkedSchema, files: Object.fromEntries(stamps) };
  await writeFileAtomically(checkedFilesPath(lakeRoot), `${JSON.stringify(record)}\n`).catch(() => undefined);
};

/** Replaces the catalog record whole, so a reader never sees half of it. */
export const writeCatalogRecord = (lakeRoot: string, record: CatalogRecord): Promise<void> =>
  writeFileAtomically(catalogRecordPath(lakeRoot), `${JSON.stringify(record, null, 2)}\n`);

/**
 * The `read_parquet` call over some curated files of one table, `snapshot_date` (a DATE) and
 * `run_id` read from the folder names. No `union_by_name`: the crawl registers only files holding
 * every column of core/tables.ts with its type, and DuckDB matches Parquet columns by name, so
 * the first file's schema serves all; with it, defining a view opened every file (a lake of 30
 * dates: 240 files, twice the DuckDB time of validation and of the views a query defines).
 */
export const readParquetSql = (files: readonly string[]): string =>
  `read_parquet([${files.map(sqlString).join(', ')}], hive_partitioning = true, ` +
  `hive_types = {${sqlString(partitionColumn)}: 'DATE'})`;

/** The Parquet files of one partition (`snapshot_date=D/run_id=R`), as absolute paths (none when the folder has gone). */
export const partitionFiles = async (lake: FsBlobStore, lakeRoot: string, table: TableName, partition: string): Promise<string[]> =>
  (await lake.list(`${curatedTablePrefix(table)}${partition}/`))
    .filter((key) => key.endsWith('.parquet'))
    .map((key) => resolve(lakeRoot, ...key.split('/')));
