import {
  BatchCreatePartitionCommand,
  CrawlerRunningException,
  EntityNotFoundException,
  GetCrawlerCommand,
  GetTableCommand,
  GlueClient,
  StartCrawlerCommand,
  type Crawler,
  type Table,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { GlueCatalog } from '../../../adapters/aws/glue-catalog';
import { addDays } from '../../../core/dates';
import { AwsUnavailableError, CrawlerBusyError, CrawlerFailedError } from '../../../core/errors';
import { sqlTypes, stagedTableName, tableNames, tables, type TableName } from '../../../core/tables';
import { runStartCrawler } from '../../../steps/start-crawler/step';

const glue = mockClient(GlueClient);
const catalog = new GlueCatalog(new GlueClient({ region: 'eu-west-1' }), 'spotify-etl-curated');
const crawlerIs = (crawler: Crawler): void => {
  glue.on(GetCrawlerCommand, { Name: 'spotify-etl-curated' }).resolves({ Crawler: { Name: 'spotify-etl-curated', ...crawler } });
};

describe('GlueCatalog', () => {
  beforeEach(() => {
    glue.reset();
  });

  it('fails with AwsUnavailableError, which the machine retries, when Glue throttles', async () => {
    // Prepare
    glue.on(GetCrawlerCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } }));
    // Act
    const failure = await catalog.crawlStatus().catch((error: unknown) => error);
    // Assess
    expect(failure).toBeInstanceOf(AwsUnavailableError);
    expect((failure as Error).message).toContain('Glue GetCrawler for crawler spotify-etl-curated failed: ThrottlingException');
  });

  it('starts the configured crawler by name', async () => {
    // Prepare
    glue.on(StartCrawlerCommand).resolves({});
    // Act
    await catalog.startCrawl();
    // Assess
    expect(glue.commandCalls(StartCrawlerCommand).map((call) => call.args[0].input)).toEqual([{ Name: 'spotify-etl-curated' }]);
  });

  it('fails with CrawlerBusyError when the crawler is already running, keeping the Glue error as cause', async () => {
    // Prepare
    const running = new CrawlerRunningException({ message: 'Crawler with name spotify-etl-curated has already started', $metadata: {} });
    glue.on(StartCrawlerCommand).rejects(running);
    // Act
    const failure = await catalog.startCrawl().catch((error: unknown) => error);
    // Assess
    expect(failure).toBeInstanceOf(CrawlerBusyError);
    expect((failure as Error).name).toBe('CrawlerBusyError');
    expect((failure as Error).message).toContain('spotify-etl-curated is already running');
    expect((failure as Error).cause).toBe(running);
  });

  it('fails with CrawlerFailedError saying what to do when the crawler does not exist', async () => {
    // Prepare
    glue.on(StartCrawlerCommand).rejects(new EntityNotFoundException({ message: 'Crawler entry with name x does not exist', $metadata: {} }));
    // Act / Assess
    await expect(catalog.startCrawl()).rejects.toThrow(CrawlerFailedError);
    await expect(catalog.startCrawl()).rejects.toThrow(/GLUE_CRAWLER_NAME/);
  });

  it('reports running while the crawler is RUNNING or STOPPING, even when an earlier crawl succeeded', async () => {
    // Prepare
    crawlerIs({ State: 'RUNNING', LastCrawl: { Status: 'SUCCEEDED' } });
    // Act
    const running = await catalog.crawlStatus();
    crawlerIs({ State: 'STOPPING' });
    const stopping = await catalog.crawlStatus();
    // Assess
    expect(running).toEqual({ state: 'running' });
    expect(stopping).toEqual({ state: 'running' });
    expect(glue.commandCalls(GetCrawlerCommand)[0]?.args[0].input).toEqual({ Name: 'spotify-etl-curated' });
  });

  it('reports succeeded when the crawler is READY after a successful crawl', async () => {
    // Prepare
    crawlerIs({ State: 'READY', LastCrawl: { Status: 'SUCCEEDED', StartTime: new Date('2026-11-20T06:10:00Z') } });
    // Act / Assess
    expect(await catalog.crawlStatus()).toEqual({ state: 'succeeded' });
  });

  it('reports failed with Glue\'s message and log location when the last crawl failed', async () => {
    // Prepare
    crawlerIs({
      State: 'READY',
      LastCrawl: { Status: 'FAILED', ErrorMessage: 'Insufficient Lake Formation permission(s)', LogGroup: '/aws-glue/crawlers', LogStream: 'spotify-etl-curated' },
    });
    // Act
    const status = await catalog.crawlStatus();
    // Assess
    expect(status).toEqual({
      state: 'failed',
      message: 'Glue crawler spotify-etl-curated last crawl FAILED: Insufficient Lake Formation permission(s) (logs: /aws-glue/crawlers spotify-etl-curated)',
    });
  });

  it('reports failed when the last crawl was cancelled', async () => {
    // Prepare
    crawlerIs({ State: 'READY', LastCrawl: { Status: 'CANCELLED' } });
    // Act / Assess
    expect(await catalog.crawlStatus()).toEqual({ state: 'failed', message: 'Glue crawler spotify-etl-curated last crawl CANCELLED' });
  });

  it('reports failed, not succeeded, when the crawler has never crawled', async () => {
    // Prepare
    crawlerIs({ State: 'READY' });
    // Act
    const status = await catalog.crawlStatus();
    // Assess
    expect(status.state).toBe('failed');
    expect(status.message).toContain('has no finished crawl');
  });
});

/** A staged table as the crawler leaves it: the columns of core/tables.ts in Hive types, over its folder, partitioned by date and run. */
const crawledTable = (table: TableName): Table => ({
  Name: stagedTableName(table),
  DatabaseName: 'spotify_etl',
  PartitionKeys: [
    { Name: 'snapshot_date', Type: 'string' },
    { Name: 'run_id', Type: 'string' },
  ],
  StorageDescriptor: {
    Columns: tables[table].map((column) => ({ Name: column.name, Type: sqlTypes[column.type].hive })),
    Location: `s3://lake/curated/${table}/`,
    InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
    Parameters: { classification: 'parquet' },
  },
});

describe('StartCrawler on Glue', () => {
  const glueCatalog = new GlueCatalog(new GlueClient({ region: 'eu-west-1' }), 'spotify-etl-curated', 'spotify_etl');
  const start = runStartCrawler({ catalog: glueCatalog });
  const run = { dates: [{ date: '2026-11-19', extract: false }, { date: '2026-11-20', extract: true }], executionName: 'manual-1' };
  const catalogued = (change: (table: TableName, crawled: Table) => Table | undefined = (_table, crawled) => crawled): void => {
    for (const table of tableNames) {
      const answer = change(table, crawledTable(table));
      if (answer === undefined) glue.on(GetTableCommand, { Name: stagedTableName(table) }).rejects(new EntityNotFoundException({ message: `Table ${stagedTableName(table)} not found`, $metadata: {} }));
      else glue.on(GetTableCommand, { Name: stagedTableName(table) }).resolves({ Table: answer });
    }
  };

  beforeEach(() => {
    glue.reset();
    glue.on(StartCrawlerCommand).resolves({});
    glue.on(BatchCreatePartitionCommand).resolves({ Errors: [] });
  });

  it('registers each date\'s run partition in every staged table with the table\'s storage at the partition\'s folder, and starts no crawl, when the tables match core/tables.ts', async () => {
    // Prepare
    catalogued();
    // Act
    const output = await start(run);
    // Assess
    expect(output).toEqual({ state: 'succeeded', polls: 0 });
    expect(glue.commandCalls(StartCrawlerCommand)).toHaveLength(0);
    const batches = glue.commandCalls(BatchCreatePartitionCommand).map((call) => call.args[0].input);
    expect(batches.map((batch) => batch.TableName)).toEqual(tableNames.map(stagedTableName));
    const songs = batches.find((batch) => batch.TableName === 'staged_songs');
    expect(songs?.DatabaseName).toBe('spotify_etl');
    expect(songs?.PartitionInputList).toEqual(
      run.dates.map(({ date }) => ({
        Values: [date, 'manual-1'],
        StorageDescriptor: { ...crawledTable('songs').StorageDescriptor, Location: `s3://lake/curated/songs/snapshot_date=${date}/run_id=manual-1/` },
      })),
    );
  });

  it('starts the crawler and registers nothing when a staged table is not in the catalog yet (the first run)', async () => {
    // Prepare
    catalogued((table, crawled) => (table === 'playlist_changes' ? undefined : crawled));
    // Act
    const output = await start(run);
    // Assess
    expect(output).toEqual({ state: 'running', polls: 0 });
    expect(glue.commandCalls(StartCrawlerCommand).map((call) => call.args[0].input)).toEqual([{ Name: 'spotify-etl-curated' }]);
    expect(glue.commandCalls(BatchCreatePartitionCommand)).toHaveLength(0);
  });

  it('starts the crawler when a staged table\'s columns differ from core/tables.ts (a release that changed the table), naming the column', async () => {
    // Prepare
    catalogued((table, crawled) =>
      table === 'songs'
        ? { ...crawled, StorageDescriptor: { ...crawled.StorageDescriptor, Columns: crawled.StorageDescriptor?.Columns?.filter((column) => column.Name !== 'isrc') } }
        : crawled,
    );
    // Act
    const registration = await glueCatalog.registerPartitions([{ date: '2026-11-20', runId: 'manual-1' }]);
    const output = await start(run);
    // Assess
    expect(registration).toEqual({ registered: false, crawlNeeded: 'staged_songs differs from core/tables.ts: isrc is missing, expected string' });
    expect(output).toEqual({ state: 'running', polls: 0 });
    expect(glue.commandCalls(StartCrawlerCommand)).toHaveLength(1);
    expect(glue.commandCalls(BatchCreatePartitionCommand)).toHaveLength(0);
  });

  it('starts the crawler when a column has another type or the table another partition key', async () => {
    // Prepare
    catalogued((table, crawled) =>
      table === 'albums'
        ? { ...crawled, PartitionKeys: [{ Name: 'snapshot_date', Type: 'string' }], StorageDescriptor: { ...crawled.StorageDescriptor, Columns: [...(crawled.StorageDescriptor?.Columns ?? []), { Name: 'label', Type: 'string' }] } }
        : crawled,
    );
    // Act
    const registration = await glueCatalog.registerPartitions([{ date: '2026-11-20', runId: 'manual-1' }]);
    // Assess
    expect(registration).toEqual({
      registered: false,
      crawlNeeded: 'staged_albums differs from core/tables.ts: label is not declared; its partition keys are (snapshot_date), expected (snapshot_date, run_id)',
    });
  });

  it('succeeds on a redrive that registers the same partitions again', async () => {
    // Prepare
    catalogued();
    glue.on(BatchCreatePartitionCommand).callsFake((input: { PartitionInputList: { Values: string[] }[] }) => ({
      Errors: input.PartitionInputList.map((partition) => ({ PartitionValues: partition.Values, ErrorDetail: { ErrorCode: 'AlreadyExistsException', ErrorMessage: 'Partition already exists.' } })),
    }));
    // Act
    const output = await start(run);
    // Assess
    expect(output).toEqual({ state: 'succeeded', polls: 0 });
    expect(glue.commandCalls(StartCrawlerCommand)).toHaveLength(0);
  });

  it('fails naming the table, the partition and Glue\'s reason when Glue refuses a partition for another reason', async () => {
    // Prepare
    catalogued();
    glue.on(BatchCreatePartitionCommand).resolves({ Errors: [{ PartitionValues: ['2026-11-20', 'manual-1'], ErrorDetail: { ErrorCode: 'ResourceNumberLimitExceededException', ErrorMessage: 'too many partitions' } }] });
    // Act
    const failure = await start(run).catch((error: unknown) => error);
    // Assess
    expect((failure as Error).message).toMatch(/^Glue BatchCreatePartition on spotify_etl\.staged_playlists refused 1 partitions: \(2026-11-20, manual-1\): ResourceNumberLimitExceededException: too many partitions/);
  });

  it('fails with AwsUnavailableError, which the machine retries, when GetTable is throttled', async () => {
    // Prepare
    glue.on(GetTableCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } }));
    // Act
    const failure = await start(run).catch((error: unknown) => error);
    // Assess
    expect(failure).toBeInstanceOf(AwsUnavailableError);
    expect(glue.commandCalls(StartCrawlerCommand)).toHaveLength(0);
  });

  it('sends at most 100 partitions in one BatchCreatePartition (a long backfill)', async () => {
    // Prepare
    catalogued();
    const dates = Array.from({ length: 150 }, (_, day) => ({ date: addDays('2026-01-01', day), extract: false }));
    // Act
    await start({ dates, executionName: 'backfill-1' });
    // Assess
    const songs = glue.commandCalls(BatchCreatePartitionCommand).filter((call) => call.args[0].input.TableName === 'staged_songs');
    expect(songs.map((call) => call.args[0].input.PartitionInputList?.length)).toEqual([100, 50]);
  });
});
