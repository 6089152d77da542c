/**
 * The local stand-in for Athena: DuckDB over the lake's Parquet files. Each curated table is a view
 * over the published run of every date (the run each date's manifest names), as the Athena views
 * are; a table with nothing published is an empty view with its columns, so a query on a fresh
 * lake answers instead of failing. For validation, `staged_<table>` views read every run's files
 * the last crawl registered (as Athena sees only what the Glue crawler added).
 */
import { analystViews, duckDbShims } from '../../core/analyst-views';
import {
  DuckDBTypeId,
  JSDuckDBValueConverter,
  JsonDuckDBValueConverter,
  type DuckDBConnection,
  type DuckDBValueConverter,
  type Json,
} from '@duckdb/node-api';
import { resolve } from 'node:path';
import type { IsoDate } from '../../core/dates';
import { readAhead } from '../../core/read-ahead';
import { QueryFailedError } from '../../core/errors';
import type { JobState, QueryEngine } from '../../core/ports';
import { curatedTablePrefix, dateOfManifestKey, runManifestsPrefix } from '../../core/lake/keys';
import { countsOf } from '../../core/lake/manifest';
import { findManifest } from '../../core/manifests';
import { partitionColumn, runColumn, sqlTypes, stagedTableName, tableNames, tables, type TableName } from '../../core/tables';
import {
  fileStamp,
  partitionFiles,
  partitionPath,
  readCatalogRecord,
  readParquetSql,
  registeredPartitions,
  sqlIdentifier,
} from './duckdb-lake';
import { FsBlobStore } from './fs-blob-store';
import { identifiersOf, names, wordsOf } from './sql-names';
import { lostRowsPhrase, vanishedFile } from './duckdb-messages';
import { confineTo, runReadOnly } from './read-only-sql';

const safeNumber = (value: bigint): number | string =>
  value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : String(value);

/**
 * DuckDB values as plain JSON: 64/128-bit integers become numbers when they fit exactly (else
 * decimal strings), DECIMAL a number, DATE 'YYYY-MM-DD', timestamps ISO-8601 UTC strings
 * (millisecond precision); everything else as DuckDB's own JSON form.
 */
const toJson: DuckDBValueConverter<Json> = (value, type, converter) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return typeof value === 'bigint' ? safeNumber(value) : String(value);
    case DuckDBTypeId.DECIMAL:
      return JSDuckDBValueConverter(value, type, JSDuckDBValueConverter) as number;
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      try {
        return (JSDuckDBValueConverter(value, type, JSDuckDBValueConverter) as Date).toISOString();
      } catch {
        // Beyond what a JS Date holds (years past 275760, infinity): DuckDB's own text.
        return String(value);
      }
    default:
      return JsonDuckDBValueConverter(value, type, converter);
  }
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** One query started with start(): its state, and its rows or failure once it has finished. */
type Job =
  | { state: 'running' }
  | { state: 'succeeded'; rows: Record<string, unknown>[] }
  | { state: 'failed'; reason: string };

/** How a query engine sees the lake. */
export interface QueryEngineOptions {
  /** Also register `staged_<table>` views over every run's files (the pipeline's validation). @default false */
  readonly staged?: boolean;
  /**
   * Register the published tables and the analysts' views, or (`'when-named'`) only those a query
   * names (adapters/local/sql-names.ts), with the tables a named analysts' view reads; the staged
   * views then too are built only for a query that names one (validation's). The
   * pipeline's own engine only validates candidates and builds them only for a query that names
   * one (the WriteReport step's): building them reads every date's manifest before each query
   * (170 ms per query on a lake of 366 dates, once per date of a backfill). Likewise the analysts'
   * views, which no query of the pipeline reads: DuckDB binds each over every published file as it
   * is created (180 ms of a run on a lake of 395 dates). `spotify-etl query` builds only what its
   * query names, too, and runs a query that fails without the rest again with every view. @default true
   */
  readonly published?: boolean | 'when-named';
  /** Told about each date whose manifest cannot be read, and so shows no published data, and each whose published rows of a table the lake no longer holds. */
  readonly onWarning?: (message: string) => void;
  /**
   * The command line's `query`: every query must be a read, and after the first one registers the
   * views, DuckDB may read only the published files they read (adapters/local/read-only-sql.ts).
   * That locks the DuckDB instance's configuration, so give such an engine its own instance; it
   * then answers from the lake as it was at its first query. @default false
   */
  readonly readOnly?: boolean;
  /**
   * With `readOnly`: where DuckDB may spill a query too large for its memory, a folder of the
   * engine's owner's (empty, outside the lake, removed after); without it the engine does not spill.
   */
  readonly spillFolder?: string;
}

/**
 * The statement that last defined each view or macro, per DuckDB connection (every engine over
 * a connection shares its views): a refresh runs only the statements that changed. Recreating
 * some twenty unchanged views before each query took 35-40 ms, most of a small run's report.
 */
const definedOn = new WeakMap<DuckDBConnection, Map<string, string>>();

/**
 * What each date's manifest published when last read, with the file's stamp (size and modification
 * time), per connection as {@link definedOn}: a refresh reads and decodes only the manifests
 * written since, where it read every one before each of a report's queries (170 ms per query on a
 * lake of 366 dates). A damaged manifest is never kept, so it is reported on every refresh.
 */
const publishedOn = new WeakMap<DuckDBConnection, Map<string, { stamp: string; published: Published | null }>>();

/** What a date's manifest publishes: the run's partition and the rows it wrote per table. */
interface Published {
  readonly date: IsoDate;
  /** `snapshot_date=D/run_id=R` */
  readonly partition: string;
  readonly rows: Readonly<Record<TableName, number>>;
}

/** The files of each published partition, by its folder's path, per connection as {@link definedOn}. */
const listedOn = new WeakMap<DuckDBConnection, Map<string, readonly string[]>>();

/** How many manifests a refresh reads at once. */
const manifestsInFlight = 16;

/** The QueryEngine port on DuckDB over a local lake, plus query() for the command line. */
export class DuckDbQueryEngine implements QueryEngine {
  private readonly root: string;
  private readonly lake: FsBlobStore;
  private readonly jobs = new Map<string, Job>();
  /** Each started query's completion, for {@link DuckDbQueryEngine.settled}. */
  private readonly finished = new Map<string, Promise<void>>();
  // Views are refreshed before every query; one query at a time keeps a refresh from changing
  // a view under a running query.
  private queue: Promise<unknown> = Promise.resolve();
  private confined = false;

  public constructor(
    lakeRoot: string,
    private readonly db: DuckDBConnection,
    private readonly options: QueryEngineOptions = {},
  ) {
    this.root = resolve(lakeRoot);
    this.lake = new FsBlobStore(this.root);
  }

  /** Runs `sql` over the curated tables and returns its rows; a failure is a QueryFailedError with DuckDB's message. */
  public query(sql: string): Promise<Record<string, unknown>[]> {
    const run = this.queue.then(() => this.refreshAndRun(sql));
    this.queue = run.catch(() => undefined);
    return run;
  }

  public async start(sql: string): Promise<string> {
    // Web Crypto's global: node:crypto loads with the first query started, not with `query`, which starts none.
    const id = crypto.randomUUID();
    this.jobs.set(id, { state: 'running' });
    this.finished.set(
      id,
      this.query(sql).then(
        (rows) => void this.jobs.set(id, { state: 'succeeded', rows }),
        (error: unknown) => void this.jobs.set(id, { state: 'failed', reason: messageOf(error) }),
      ),
    );
    return id;
  }

  /** Resolves when every query started so far has finished, so the connection can close under none. */
  public async idle(): Promise<void> {
    await this.queue;
  }

  /** Resolves when the query `queryId` has finished, whatever its outcome (for the local runner and tests). */
  public async settled(queryId: string): Promise<void> {
    await this.finished.get(queryId);
  }

  public async status(queryId: string): Promise<{ state: JobState; reason?: string | undefined }> {
    const job = this.job(queryId);
    return job.state === 'failed' ? { state: job.state, reason: job.reason } : { state: job.state };
  }

  public async results(queryId: string): Promise<Record<string, unknown>[]> {
    const job = this.job(queryId);
    if (job.state === 'succeeded') return job.rows;
    throw new QueryFailedError(
      job.state === 'failed' ? job.reason : `Query ${queryId} is still running; wait until its status is 'succeeded'.`,
    );
  }

  private job(queryId: string): Job {
    const job = this.jobs.get(queryId);
    if (job === undefined) {
      throw new QueryFailedError(
        `Unknown query id ${JSON.stringify(queryId)}: local query ids live only in the engine that started them.`,
      );
    }
    return job;
  }

  /**
   * Runs `sql` over freshly refreshed views, once more when a file it listed was gone when DuckDB
   * opened it: another run (locally another process may run another date) published a date and
   * removed the folders it superseded between the listing and the query. Listed again, the views
   * name only what is there. (A read-only engine is confined to the files of its first listing:
   * `spotify-etl query` reads again on an instance of its own, cli/local/lake-reader.ts.)
   */
  private async refreshAndRun(sql: string): Promise<Record<string, unknown>[]> {
    try {
      return await this.refreshAndRunOnce(sql);
    } catch (error) {
      if (this.options.readOnly === true || !vanishedFile.test(messageOf(error))) throw error;
      const listed = listedOn.get(this.db);
      for (const key of [...(listed?.keys() ?? [])]) if (key.startsWith(this.root)) listed?.delete(key);
      return this.refreshAndRunOnce(sql);
    }
  }

  private async refreshAndRunOnce(sql: string): Promise<Record<string, unknown>[]> {
    try {
      if (!this.confined) {
        const { published = true } = this.options;
        const staged = this.options.staged === true;
        const files = await this.registerViews(published === 'when-named' ? viewsNamedIn(sql, staged) : viewsOf(published, staged));
        if (this.options.readOnly === true) {
          await confineTo(this.db, files, this.options.spillFolder);
          this.confined = true;
        }
      }
    } catch (error) {
      throw new QueryFailedError(`Could not register the curated tables of ${this.root}: ${messageOf(error)}`, {
        cause: error,
      });
    }
    try {
      const reader = this.options.readOnly === true ? await runReadOnly(this.db, sql) : await this.db.runAndReadAll(sql);
      return reader.convertRowObjects(toJson);
    } catch (error) {
      if (error instanceof QueryFailedError) throw error;
      throw new QueryFailedError(`DuckDB could not run the query: ${messageOf(error)}`, { cause: error });
    }
  }

  /**
   * (Re)creates the published view of each table and, for validation, the staged ones; returns
   * the files the published views read (all a read-only engine may read). As in Athena, where the
   * views join the crawled tables with the manifests, a published run shows once the crawl has
   * registered its partition.
   */
  private async registerViews(wanted: WantedViews): Promise<string[]> {
    const defined = definedOn.get(this.db) ?? new Map<string, string>();
    definedOn.set(this.db, defined);
    // A view reads its files when queried, so an unchanged statement needs no rerun.
    const define = async (name: string, statement: string): Promise<void> => {
      if (defined.get(name) === statement) return;
      defined.delete(name);
      await this.db.run(statement);
      defined.set(name, statement);
    };
    const published = wanted.published.size > 0 ? await this.publishedPartitions() : [];
    const record = await readCatalogRecord(this.root);
    const read: string[] = [];
    for (const table of tableNames) {
      const registered = new Set(registeredPartitions(record, table));
      if (wanted.published.has(table)) {
        const inView = published.filter(({ partition }) => registered.has(partition)).map(({ partition }) => partition);
        const listed = await this.publishedFilesOf(table, inView);
        this.warnOfLostRows(table, published, new Set(inView.filter((_, index) => (listed[index]?.length ?? 0) > 0)));
        const files = listed.flat();
        read.push(...files);
        await define(table, `CREATE OR REPLACE TEMP VIEW ${sqlIdentifier(table)} AS ${viewBody(table, files, false)}`);
      }
      // Candidates are never readable through a read-only engine: their files are not in `read`.
      if (!wanted.staged.has(table)) continue;
      const staged = await this.filesOf(table, [...registered]);
      await define(stagedTableName(table), `CREATE OR REPLACE TEMP VIEW ${sqlIdentifier(stagedTableName(table))} AS ${viewBody(table, staged, true)}`);
    }
    if (!wanted.analystViews) return read;
    // The analysts' views read only the published views above: the same Trino SQL Athena runs.
    for (const shim of duckDbShims) await define(shim, shim);
    for (const view of analystViews) await define(view.name, `CREATE OR REPLACE TEMP VIEW ${sqlIdentifier(view.name)} AS ${view.sql(sqlIdentifier)}`);
    return read;
  }

  /**
   * Tells of each date whose manifest says `table` has rows the view cannot show (`shown` holds the
   * partitions it reads files of): its published folder holds no Parquet file of the table, or the
   * crawl left the partition out (a file it could not read). Without this a file deleted by hand
   * took its date's rows away without a word.
   */
  private warnOfLostRows(table: TableName, published: readonly Published[], shown: ReadonlySet<string>): void {
    for (const { date, partition, rows } of published) {
      if (rows[table] === 0 || shown.has(partition)) continue;
      const folder = resolve(this.root, curatedTablePrefix(table), partition);
      this.options.onWarning?.(`${date} published ${String(rows[table])} ${table} ${lostRowsPhrase} (${folder}): rebuild ${date} from its raw snapshots (spotify-etl run --from ${date} --to ${date}) to rewrite them.`);
    }
  }

  /** What each date's manifest publishes; dates with nothing published are left out. */
  private async publishedPartitions(): Promise<Published[]> {
    const known = publishedOn.get(this.db) ?? new Map<string, { stamp: string; published: Published | null }>();
    publishedOn.set(this.db, known);
    const dated = (await this.lake.list(runManifestsPrefix)).flatMap((key) => {
      const date = dateOfManifestKey(key);
      return date === undefined ? [] : [{ key, date }];
    });
    const partitions: Published[] = [];
    // Several at a time: each is a stat and a small read on the thread pool, and one after the
    // other they were a third of `query` on a lake of 395 dates.
    for await (const { published, warning } of readAhead(dated, manifestsInFlight, ({ key, date }) => this.publishedPartition(known, key, date))) {
      // Said in the dates' order, whichever read ends first.
      if (warning !== undefined) this.options.onWarning?.(warning);
      if (published !== null) partitions.push(published);
    }
    return partitions;
  }

  /**
   * What `date`'s manifest (at `key`) publishes, from `known` while the file is unchanged: a
   * partition, or null for nothing, with a warning when the manifest is damaged.
   */
  private async publishedPartition(
    known: Map<string, { stamp: string; published: Published | null }>,
    key: string,
    date: IsoDate,
  ): Promise<{ published: Published | null; warning?: string }> {
    // Stamped before reading: a manifest replaced in between is read again at the next refresh.
    const stamp = await fileStamp(resolve(this.root, key));
    const kept = stamp !== undefined && known.get(key)?.stamp === stamp ? known.get(key)?.published : undefined;
    if (kept !== undefined) return { published: kept };
    const found = await findManifest(this.lake, date);
    known.delete(key);
    if (found.state === 'damaged') {
      return { published: null, warning: `${found.key} cannot be read (${found.problem}): ${date} shows no data until it is rebuilt from its raw snapshots (spotify-etl run --from ${date} --to ${date}).` };
    }
    const run = found.state === 'present' ? found.manifest.published : null;
    const published = run === null ? null : { date, partition: partitionPath(date, run.runId), rows: countsOf(run.tables) };
    if (stamp !== undefined && found.state === 'present') known.set(key, { stamp, published });
    return { published };
  }

  private async filesOf(table: TableName, partitions: readonly string[]): Promise<string[]> {
    return (await Promise.all(partitions.map((partition) => partitionFiles(this.lake, this.root, table, partition)))).flat();
  }

  /**
   * The files of each of `partitions`, listed once per connection: a run's folder is
   * written before the run is published and never after (a later run of the date writes a folder
   * of its own, and the superseded one is no longer published), and listing every date's folder
   * of each table before each query was most of a run's report on a lake of a year of dates.
   */
  private async publishedFilesOf(table: TableName, partitions: readonly string[]): Promise<(readonly string[])[]> {
    const listed = listedOn.get(this.db) ?? new Map<string, readonly string[]>();
    listedOn.set(this.db, listed);
    return Promise.all(
      partitions.map(async (partition) => {
        const key = resolve(this.root, curatedTablePrefix(table), partition);
        const files = listed.get(key) ?? (await partitionFiles(this.lake, this.root, table, partition));
        listed.set(key, files);
        return files;
      }),
    );
  }
}

/** Which views a refresh (re)creates: the published and the staged view of some tables, and the analysts' views or none. */
interface WantedViews {
  readonly published: ReadonlySet<TableName>;
  readonly staged: ReadonlySet<TableName>;
  readonly analystViews: boolean;
}
const viewsOf = (published: boolean, staged: boolean): WantedViews => ({
  published: new Set(published ? tableNames : []),
  staged: new Set(staged ? tableNames : []),
  analystViews: published,
});
const analystViewNames = wordsOf(analystViews.map((view) => view.name));
/** Each table with the words that name it, and the tables the analysts' views read (all built when one is named). */
const tableWords = tableNames.map((table) => ({ table, words: wordsOf([table]) }));
const stagedWords = tableNames.map((table) => ({ table, words: wordsOf([stagedTableName(table)]) }));
const analystViewsRead = new Set(tableWords.filter(({ words }) => analystViews.some((view) => names(view.sql(sqlIdentifier), words))).map(({ table }) => table));

/**
 * The views `sql` needs (DuckDB binds each over all its files as it is created, and listing those
 * is a request per partition): each table it names, each staged table it names when the engine has
 * them, and the analysts' views with the tables they read if it names one.
 */
const viewsNamedIn = (sql: string, staged: boolean): WantedViews => {
  // The text without its literals and comments once, for all seventeen words.
  const text = identifiersOf(sql);
  const analyst = analystViewNames.test(text);
  return {
    published: new Set(tableWords.filter(({ table, words }) => (analyst && analystViewsRead.has(table)) || words.test(text)).map(({ table }) => table)),
    staged: new Set(staged ? stagedWords.filter(({ words }) => words.test(text)).map(({ table }) => table) : []),
    analystViews: analyst,
  };
};

/** A table's view over some of its files: its columns and `snapshot_date`, plus `run_id` for the staged view. */
const viewBody = (table: TableName, files: readonly string[], withRun: boolean): string => {
  const columns = tables[table].map((column) => ({ name: column.name, type: sqlTypes[column.type].duckdb }));
  const all = [...columns, { name: partitionColumn, type: 'DATE' }, ...(withRun ? [{ name: runColumn, type: 'VARCHAR' }] : [])];
  if (files.length === 0) {
    return `SELECT ${all.map((column) => `CAST(NULL AS ${column.type}) AS ${sqlIdentifier(column.name)}`).join(', ')} WHERE false`;
  }
  return `SELECT ${all.map((column) => sqlIdentifier(column.name)).join(', ')} FROM ${readParquetSql(files)}`;
};
