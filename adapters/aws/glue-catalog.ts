/**
 * The Glue catalog of `curated/`: the Catalog port over the Glue SDK v3 client. The crawler
 * creates the staged tables; a run whose tables are already as core/tables.ts declares registers
 * its partitions with BatchCreatePartition instead, since every crawl is billed at least 10 minutes.
 */
import {
  BatchCreatePartitionCommand,
  GetCrawlerCommand,
  GetTableCommand,
  StartCrawlerCommand,
  type GlueClient,
  type PartitionInput,
  type Table,
} from '@aws-sdk/client-glue';
import { AwsUnavailableError, CrawlerBusyError, CrawlerFailedError } from '../../core/errors';
import type { Catalog, JobState, Registration, RunPartition } from '../../core/ports';
import { partitionColumn, runColumn, sqlTypes, stagedTableName, tableNames, tables, type TableName } from '../../core/tables';
import { awsErrorMessage, awsErrorName, isTransientAwsCode, isTransientAwsError } from './aws-errors';

/** Glue takes at most this many partitions in one BatchCreatePartition. */
const partitionsPerBatch = 100;

/**
 * Why a staged table, as Glue holds it, cannot take a run's partitions without a crawl: it has
 * other columns (by name and Hive type; order aside, as Athena reads Parquet by name) or other
 * partition keys than core/tables.ts declares. Undefined when it can.
 */
export const stagedTableMismatch = (table: TableName, found: Table): string | undefined => {
  const columns = new Map((found.StorageDescriptor?.Columns ?? []).map((column) => [column.Name ?? '', column.Type ?? '']));
  const problems = tables[table].flatMap((column) => {
    const expected = sqlTypes[column.type].hive;
    const actual = columns.get(column.name);
    return actual === expected ? [] : [`${column.name} is ${actual ?? 'missing'}, expected ${expected}`];
  });
  const declared = new Set<string>(tables[table].map((column) => column.name));
  problems.push(...[...columns.keys()].filter((name) => !declared.has(name)).map((name) => `${name} is not declared`));
  if (!(found.StorageDescriptor?.Location ?? '').startsWith('s3://')) problems.push('it has no S3 location');
  const keys = (found.PartitionKeys ?? []).map((key) => key.Name).join(', ');
  if (keys !== `${partitionColumn}, ${runColumn}`) problems.push(`its partition keys are (${keys}), expected (${partitionColumn}, ${runColumn})`);
  return problems.length > 0 ? `${stagedTableName(table)} differs from core/tables.ts: ${problems.join('; ')}` : undefined;
};

/** Starts the stack's crawler, reports on its crawls, and registers a run's partitions in the staged tables. */
export class GlueCatalog implements Catalog {
  /**
   * `glue` is a configured client; `crawlerName` the crawler's name (GLUE_CRAWLER_NAME);
   * `databaseName` the database of the staged tables (GLUE_DATABASE_NAME), for a step that
   * declares `partitions`.
   */
  public constructor(
    private readonly glue: GlueClient,
    private readonly crawlerName: string,
    private readonly databaseName?: string,
  ) {}

  /**
   * GetTable of every staged table; when all are as core/tables.ts declares, one
   * BatchCreatePartition per table and 100 partitions, each with the table's storage descriptor
   * at its own folder. A partition Glue already holds (a redrive) is fine.
   */
  public async registerPartitions(partitions: readonly RunPartition[]): Promise<Registration> {
    const found: [TableName, Table][] = [];
    for (const table of tableNames) {
      const staged = await this.stagedTable(table);
      if (staged === undefined) return { registered: false, crawlNeeded: `${stagedTableName(table)} is not in Glue database ${this.database()} yet` };
      const mismatch = stagedTableMismatch(table, staged);
      if (mismatch !== undefined) return { registered: false, crawlNeeded: mismatch };
      found.push([table, staged]);
    }
    for (const [table, staged] of found) {
      for (let start = 0; start < partitions.length; start += partitionsPerBatch) {
        await this.createPartitions(table, partitions.slice(start, start + partitionsPerBatch).map((partition) => partitionInput(staged, partition)));
      }
    }
    return { registered: true };
  }

  /** Starts a crawl; a crawl already under way is CrawlerBusyError, which the state machine retries. */
  public async startCrawl(): Promise<void> {
    try {
      await this.glue.send(new StartCrawlerCommand({ Name: this.crawlerName }));
    } catch (error) {
      if (awsErrorName(error) === 'CrawlerRunningException') {
        throw new CrawlerBusyError(`Glue crawler ${this.crawlerName} is already running; start it again when it is done`, {
          cause: error,
        });
      }
      throw this.translate('StartCrawler', error);
    }
  }

  /**
   * RUNNING or STOPPING is running; READY is the outcome of the last crawl: SUCCEEDED, or
   * FAILED / CANCELLED with Glue's message.
   */
  public async crawlStatus(): Promise<{ state: JobState; message?: string | undefined }> {
    let crawler;
    try {
      crawler = (await this.glue.send(new GetCrawlerCommand({ Name: this.crawlerName }))).Crawler;
    } catch (error) {
      throw this.translate('GetCrawler', error);
    }
    if (crawler?.State === 'RUNNING' || crawler?.State === 'STOPPING') return { state: 'running' };
    const last = crawler?.LastCrawl;
    if (last?.Status === 'SUCCEEDED') return { state: 'succeeded' };
    if (last?.Status === 'FAILED' || last?.Status === 'CANCELLED') {
      const detail = last.ErrorMessage ? `: ${last.ErrorMessage}` : '';
      const logs = last.LogGroup ? ` (logs: ${[last.LogGroup, last.LogStream].filter(Boolean).join(' ')})` : '';
      return { state: 'failed', message: `Glue crawler ${this.crawlerName} last crawl ${last.Status}${detail}${logs}` };
    }
    return {
      state: 'failed',
      message: `Glue crawler ${this.crawlerName} is ${crawler?.State ?? 'in no known state'} and has no finished crawl; start it first`,
    };
  }

  private database(): string {
    if (this.databaseName === undefined) throw new Error('GlueCatalog needs the database name (GLUE_DATABASE_NAME) to register partitions: declare partitions in the step\'s resources (core/resources.ts)');
    return this.databaseName;
  }

  /** The staged table as Glue holds it, or undefined when there is none yet. */
  private async stagedTable(table: TableName): Promise<Table | undefined> {
    const name = stagedTableName(table);
    try {
      return (await this.glue.send(new GetTableCommand({ DatabaseName: this.database(), Name: name }))).Table;
    } catch (error) {
      if (awsErrorName(error) === 'EntityNotFoundException') return undefined;
      throw this.translateTable('GetTable', name, error);
    }
  }

  private async createPartitions(table: TableName, inputs: PartitionInput[]): Promise<void> {
    const name = stagedTableName(table);
    let errors;
    try {
      errors = (await this.glue.send(new BatchCreatePartitionCommand({ DatabaseName: this.database(), TableName: name, PartitionInputList: inputs }))).Errors ?? [];
    } catch (error) {
      throw this.translateTable('BatchCreatePartition', name, error);
    }
    const failed = errors.filter((entry) => entry.ErrorDetail?.ErrorCode !== 'AlreadyExistsException');
    if (failed.length === 0) return;
    const detail = failed.map((entry) => `(${(entry.PartitionValues ?? []).join(', ')}): ${entry.ErrorDetail?.ErrorCode ?? 'no code'}: ${entry.ErrorDetail?.ErrorMessage ?? ''}`);
    const message = `Glue BatchCreatePartition on ${this.databaseName ?? ''}.${name} refused ${String(failed.length)} partitions: ${detail.slice(0, 3).join('; ')}`;
    if (failed.every((entry) => isTransientAwsCode(entry.ErrorDetail?.ErrorCode))) throw new AwsUnavailableError(message);
    throw new Error(`${message}. Fix the cause, then redrive the execution or rerun the date.`);
  }

  private translateTable(operation: string, table: string, error: unknown): Error {
    const where = `Glue ${operation} on ${this.databaseName ?? ''}.${table} failed: ${awsErrorName(error)}: ${awsErrorMessage(error)}`;
    if (isTransientAwsError(error)) return new AwsUnavailableError(where, { cause: error });
    return new Error(where, { cause: error });
  }

  private translate(operation: string, error: unknown): Error {
    const where = `Glue ${operation} for crawler ${this.crawlerName} failed: ${awsErrorName(error)}: ${awsErrorMessage(error)}`;
    if (awsErrorName(error) === 'EntityNotFoundException') {
      return new CrawlerFailedError(`${where}; deploy the stack or set GLUE_CRAWLER_NAME to an existing crawler`, {
        cause: error,
      });
    }
    if (isTransientAwsError(error)) return new AwsUnavailableError(where, { cause: error });
    return new Error(where, { cause: error });
  }
}

/** A run's partition of a staged table: the table's storage descriptor, located at the partition's folder. */
const partitionInput = (table: Table, partition: RunPartition): PartitionInput => {
  const base = table.StorageDescriptor?.Location ?? '';
  const folder = `${base.endsWith('/') ? base : `${base}/`}${partitionColumn}=${partition.date}/${runColumn}=${partition.runId}/`;
  return { Values: [partition.date, partition.runId], StorageDescriptor: { ...table.StorageDescriptor, Location: folder } };
};
