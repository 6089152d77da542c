/**
 * The local stand-in for the Glue catalog: its crawl finds the `snapshot_date=` partitions of every
 * curated table below `<lake>/curated/`, checks their Parquet schema against core/tables.ts with
 * DuckDB, and records what it found in `<lake>/.catalog/catalog.json` for the query engine of this
 * or a later process; once a crawl has recorded every table, a run's registration brings the record
 * up to date at once, where Glue would take BatchCreatePartition.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { relative, resolve } from 'node:path';
import { sqlString } from '../../core/checks';
import { isIsoDate } from '../../core/dates';
import { CrawlerBusyError } from '../../core/errors';
import { curatedTablePrefix } from '../../core/lake/keys';
import type { Catalog, Registration, RunPartition } from '../../core/ports';
import { sqlTypes, tableNames, tables, type TableName } from '../../core/tables';
import {
  fileStamp,
  partitionPath,
  readCatalogRecord,
  readCheckedFiles,
  writeCatalogRecord,
  writeCheckedFiles,
  type CatalogRecord,
  type CrawlOutcome,
  type CrawlStatus,
} from './duckdb-lake';
import { FsBlobStore } from './fs-blob-store';

export { openDuckDb } from './duckdb-lake';
export { DuckDbQueryEngine } from './duckdb-query-engine';

// One crawler per lake, as in Glue: two catalog objects over the same folder share it.
const crawlers = new Map<string, { running?: Promise<void>; last?: CrawlOutcome }>();

// The last scan of each lake a registration ran: the next waits for it, so two registrations of
// this process never write the record at once.
const scans = new Map<string, Promise<unknown>>();

// A run's candidate: `snapshot_date=D/run_id=R/part-n.parquet`; a file elsewhere is not a partition's.
const partitionOf = /^snapshot_date=([^/]+)\/run_id=([^/]+)\/[^/]+\.parquet$/;
/** The partition folder (`snapshot_date=D/run_id=R`) a key below a table's prefix is in. */
const partitionFolderOf = /^(snapshot_date=[^/]+\/run_id=[^/]+)\//;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The Catalog port over a local lake folder, with DuckDB reading the Parquet schemas. */
export class DuckDbCatalog implements Catalog {
  private readonly root: string;
  private readonly lake: FsBlobStore;

  public constructor(
    lakeRoot: string,
    private readonly db: DuckDBConnection,
  ) {
    this.root = resolve(lakeRoot);
    this.lake = new FsBlobStore(this.root);
  }

  public async startCrawl(): Promise<void> {
    const crawler = this.crawler();
    if (crawler.running !== undefined) {
      throw new CrawlerBusyError(
        `The local catalog of ${this.root} is already being crawled; wait for crawlStatus() to leave 'running', then start again.`,
      );
    }
    crawler.running = this.crawl().then((outcome) => {
      crawler.last = outcome;
      crawler.running = undefined;
    });
  }

  public async crawlStatus(): Promise<CrawlStatus> {
    const crawler = this.crawler();
    if (crawler.running !== undefined) return { state: 'running' };
    const last = crawler.last ?? (await this.recordedOutcome());
    return last ?? { state: 'failed', message: `No crawl has run on ${this.root} yet: call startCrawl() first.` };
  }

  /**
   * As GetTable and BatchCreatePartition in Glue: once a crawl has recorded every table, brings
   * the record up to date at once and answers registered, so the machine polls no crawl; before
   * that (the first run), or when a file does not have the columns of core/tables.ts, registers
   * nothing and says why, so the machine crawls, as with Glue. It does so by the crawl's own scan,
   * run here: locally a crawl has no minimum to pay, and DuckDB, unlike Athena, opens every file
   * of a staged table it reads, so a damaged partition must stay left out, as the crawl leaves
   * it, and a partition whose folder RecordRun removed must go. `partitions` are among what the
   * scan finds, having been written before.
   */
  public async registerPartitions(_partitions: readonly RunPartition[]): Promise<Registration> {
    let record: CatalogRecord | undefined;
    try {
      record = await readCatalogRecord(this.root);
    } catch (error) {
      return { registered: false, crawlNeeded: messageOf(error) };
    }
    const missing = tableNames.find((table) => record?.partitions[table] === undefined);
    if (missing !== undefined) return { registered: false, crawlNeeded: `no crawl of ${this.root} has recorded ${missing} yet` };
    const crawler = this.crawler();
    const scan = (scans.get(this.root) ?? Promise.resolve())
      .then(() => crawler.running)
      .then(() => this.crawl());
    scans.set(this.root, scan);
    const outcome = await scan;
    crawler.last = outcome;
    return outcome.state === 'succeeded' ? { registered: true } : { registered: false, crawlNeeded: outcome.message ?? 'the scan failed' };
  }

  /** Resolves when the running crawl, if any, has finished (for the local runner and tests). */
  public async settled(): Promise<void> {
    await this.crawler().running;
  }

  private crawler(): { running?: Promise<void>; last?: CrawlOutcome } {
    const existing = crawlers.get(this.root);
    if (existing !== undefined) return existing;
    const created = {};
    crawlers.set(this.root, created);
    return created;
  }

  private async recordedOutcome(): Promise<CrawlOutcome | undefined> {
    try {
      return (await readCatalogRecord(this.root))?.lastCrawl;
    } catch (error) {
      return { state: 'failed', message: messageOf(error) };
    }
  }

  /** One whole crawl; never rejects: a failure is recorded, and the tables found before are kept. */
  private async crawl(): Promise<CrawlOutcome> {
    let record: CatalogRecord;
    try {
      const partitions: Record<string, string[]> = {};
      const leftOut: string[] = [];
      const checked = await readCheckedFiles(this.root);
      const passed = new Map<string, string>();
      for (const table of tableNames) partitions[table] = await this.crawlTable(table, leftOut, checked, passed);
      await writeCheckedFiles(this.root, passed);
      const found = Object.values(partitions).reduce((sum, dates) => sum + dates.length, 0);
      const skipped = leftOut.length > 0 ? `; left out the partitions of ${leftOut.join(', ')}: not readable Parquet (a backfill of their dates, run --from D --to D, rebuilds them from raw)` : '';
      record = {
        version: 2,
        lastCrawl: { state: 'succeeded', message: `registered ${String(tableNames.length)} tables, ${String(found)} partitions${skipped}` },
        partitions,
      };
    } catch (error) {
      const previous = await readCatalogRecord(this.root).catch(() => undefined);
      record = {
        version: 2,
        lastCrawl: { state: 'failed', message: `The crawl of ${this.root}/curated failed: ${messageOf(error)}` },
        partitions: previous?.partitions ?? {},
      };
    }
    try {
      await writeCatalogRecord(this.root, record);
      return record.lastCrawl;
    } catch (error) {
      return { state: 'failed', message: `Could not record the crawl of ${this.root}: ${messageOf(error)}` };
    }
  }

  /**
   * The partitions of a table (`snapshot_date=D/run_id=R`), after checking that their files have its
   * schema. A file DuckDB cannot read as Parquet (truncated, foreign) is added to `leftOut` and its
   * partition is not registered, as Glue's crawler skips what it cannot classify: failing the crawl
   * instead would fail every rerun of every date, and so the rerun that replaces the file. Only
   * files whose stamp is not the one `checked` holds are read; the stamps of the files of the
   * partitions registered go into `passed`.
   */
  private async crawlTable(table: TableName, leftOut: string[], checked: ReadonlyMap<string, string>, passed: Map<string, string>): Promise<string[]> {
    const prefix = curatedTablePrefix(table);
    const keys = (await this.lake.list(prefix)).map((key) => key.slice(prefix.length));
    const partitions = new Set<string>();
    for (const key of keys) {
      const [, date, runId] = partitionOf.exec(key) ?? [];
      if (isIsoDate(date) && runId !== undefined) partitions.add(partitionPath(date, runId));
    }
    const sorted = [...partitions].sort();
    // Each partition's Parquet files, at any depth below it, from the one listing of the table:
    // listing every partition again was half the crawl's requests on a lake of a year of dates.
    const filesOf = new Map(sorted.map((partition) => [partition, [] as string[]]));
    for (const key of keys) {
      const folder = partitionFolderOf.exec(key)?.[1];
      if (folder !== undefined && key.endsWith('.parquet')) filesOf.get(folder)?.push(resolve(this.root, ...`${prefix}${key}`.split('/')));
    }
    const stamps = new Map(await Promise.all([...filesOf.values()].flat().map(async (file) => [file, await fileStamp(file)] as const)));
    const unchecked = new Set([...stamps].filter(([file, stamp]) => stamp === undefined || checked.get(relative(this.root, file)) !== stamp).map(([file]) => file));
    let registered = sorted;
    try {
      if (unchecked.size > 0) await this.checkSchema(table, [...unchecked]);
    } catch (error) {
      const unreadable = new Set(await this.unreadable([...unchecked]));
      if (unreadable.size === 0) throw error;
      leftOut.push(...unreadable);
      registered = sorted.filter((partition) => !(filesOf.get(partition) ?? []).some((file) => unreadable.has(file)));
      const rest = registered.flatMap((partition) => filesOf.get(partition) ?? []).filter((file) => unchecked.has(file));
      if (rest.length > 0) await this.checkSchema(table, rest);
    }
    for (const file of registered.flatMap((partition) => filesOf.get(partition) ?? [])) {
      const stamp = stamps.get(file);
      if (stamp !== undefined) passed.set(relative(this.root, file), stamp);
    }
    return registered;
  }

  /** The files among `files` that DuckDB cannot open as Parquet. */
  private async unreadable(files: readonly string[]): Promise<string[]> {
    const opens = (file: string): Promise<boolean> =>
      this.db.run(`SELECT * FROM parquet_metadata(${sqlString(file)}) LIMIT 1`).then(() => true, () => false);
    return (await Promise.all(files.map(async (file) => ((await opens(file)) ? [] : [file])))).flat();
  }

  /** Fails when a file lacks a column of core/tables.ts or holds it with another type. */
  private async checkSchema(table: TableName, files: readonly string[]): Promise<void> {
    const schema = await this.db.runAndReadAll(
      `SELECT file_name, name, duckdb_type FROM parquet_schema([${files.map(sqlString).join(', ')}])`,
    );
    const found = new Map<string, Map<string, string>>(files.map((file) => [file, new Map()]));
    for (const row of schema.getRowObjectsJson()) {
      found.get(String(row['file_name']))?.set(String(row['name']), String(row['duckdb_type']));
    }
    const problems = [...found].flatMap(([file, columns]) =>
      tables[table].flatMap((column) => {
        const expected = sqlTypes[column.type].duckdb;
        const actual = columns.get(column.name);
        if (actual === expected) return [];
        return [`${file}: column ${column.name} is ${actual ?? 'missing'}, expected ${expected}`];
      }),
    );
    if (problems.length > 0) {
      throw new Error(
        `${curatedTablePrefix(table)} does not match core/tables.ts: ${problems.slice(0, 5).join('; ')}. ` +
          'Rewrite those partitions with the current normaliser (a backfill of their dates).',
      );
    }
  }
}
