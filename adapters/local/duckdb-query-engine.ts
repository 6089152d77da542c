/**
 * The local stand-in for Athena: DuckDB over the lake's Parquet files, one view per curated table
 * over the partitions the last crawl registered (as Athena sees only what the Glue crawler
 * added), and an empty view with the table's columns before anything was crawled, so a query on a
 * fresh lake answers instead of failing.
 */
import {
  DuckDBTypeId,
  JSDuckDBValueConverter,
  JsonDuckDBValueConverter,
  type DuckDBConnection,
  type DuckDBValueConverter,
  type Json,
} from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { QueryFailedError } from '../../core/errors';
import type { JobState, QueryEngine } from '../../core/ports';
import { partitionColumn, tableNames, tables, type TableName } from '../../core/tables';
import {
  duckDbTypes,
  partitionFiles,
  readCatalogRecord,
  readParquetSql,
  registeredPartitions,
  sqlIdentifier,
  type CatalogRecord,
} from './duckdb-lake';
import { FsBlobStore } from './fs-blob-store';
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

/**
 * `readOnly` (the command line's `query`): every query must be a read, and after the first one
 * registers the views, DuckDB may read only the files they read (adapters/local/read-only-sql.ts).
 * That locks the DuckDB instance's configuration, so give such an engine its own instance; it
 * then answers from the lake as it was at its first query.
 */
export interface DuckDbQueryEngineOptions {
  readonly readOnly?: boolean;
}

/** The QueryEngine port on DuckDB over a local lake, plus query() for the command line. */
export class DuckDbQueryEngine implements QueryEngine {
  private readonly root: string;
  private readonly lake: FsBlobStore;
  private readonly jobs = new Map<string, Job>();
  // Views are replaced before every query; one query at a time keeps a refresh from changing
  // a view under a running query.
  private queue: Promise<unknown> = Promise.resolve();
  private confined = false;

  public constructor(
    lakeRoot: string,
    private readonly db: DuckDBConnection,
    private readonly options: DuckDbQueryEngineOptions = {},
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
    const id = randomUUID();
    this.jobs.set(id, { state: 'running' });
    this.query(sql).then(
      (rows) => this.jobs.set(id, { state: 'succeeded', rows }),
      (error: unknown) => this.jobs.set(id, { state: 'failed', reason: messageOf(error) }),
    );
    return id;
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

  private async refreshAndRun(sql: string): Promise<Record<string, unknown>[]> {
    try {
      if (!this.confined) {
        const files = await this.registerViews();
        if (this.options.readOnly === true) {
          await confineTo(this.db, files);
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

  /** (Re)creates one view per curated table over the files of its registered partitions; the files they read. */
  private async registerViews(): Promise<string[]> {
    const record = await readCatalogRecord(this.root);
    const read: string[] = [];
    for (const table of tableNames) {
      await this.db.run(`CREATE OR REPLACE TEMP VIEW ${sqlIdentifier(table)} AS ${await this.viewBody(table, record, read)}`);
    }
    return read;
  }

  /** The SQL of one table's view; adds the files it reads to `read`. */
  private async viewBody(table: TableName, record: CatalogRecord | undefined, read: string[]): Promise<string> {
    const dates = registeredPartitions(record, table);
    const files = (await Promise.all(dates.map((date) => partitionFiles(this.lake, this.root, table, date)))).flat();
    read.push(...files);
    const columns = tables[table];
    if (files.length === 0) {
      const typed = columns.map((column) => `CAST(NULL AS ${duckDbTypes[column.type]}) AS ${sqlIdentifier(column.name)}`);
      return `SELECT ${[...typed, `CAST(NULL AS DATE) AS ${sqlIdentifier(partitionColumn)}`].join(', ')} WHERE false`;
    }
    const names = [...columns.map((column) => column.name), partitionColumn].map(sqlIdentifier);
    return `SELECT ${names.join(', ')} FROM ${readParquetSql(files)}`;
  }
}
