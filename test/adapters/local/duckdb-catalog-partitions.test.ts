/**
 * The local catalog's equivalent of registering a run's partitions in Glue: once a crawl has
 * recorded the tables, StartCrawler brings the record up to date at once and the machine goes on
 * without polling a crawl; before that, or when the files differ from core/tables.ts, it crawls,
 * as with Glue.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileStamp, readCatalogRecord } from '../../../adapters/local/duckdb-lake';
import { HyparquetTableEncoder } from '../../../adapters/parquet/hyparquet-table-encoder';
import { DuckDbQueryEngine } from '../../../adapters/local/duckdb-query-engine';
import { addDays } from '../../../core/dates';
import { curatedPartKey, runManifestKey } from '../../../core/lake/keys';
import { tableNames } from '../../../core/tables';
import { runStartCrawler } from '../../../steps/start-crawler/step';
import { createTestLake, goodDay, type TestLake } from './lake-fixture';

const date = '2026-11-20';
const next = '2026-11-21';

describe('StartCrawler on the local DuckDB catalog', () => {
  let lake: TestLake;

  beforeEach(async () => {
    lake = await createTestLake();
  });
  afterEach(async () => {
    await lake.remove();
  });

  it('starts a crawl and registers nothing when no crawl has recorded the tables yet (the first run)', async () => {
    // Prepare
    await lake.write(date, goodDay(), { runId: 'run-1' });
    // Act
    const output = await runStartCrawler({ catalog: lake.catalog })({ dates: [{ date, extract: true }], executionName: 'run-1' });
    await lake.catalog.settled();
    // Assess
    expect(output).toEqual({ state: 'running', polls: 0 });
    expect(await lake.catalog.crawlStatus()).toMatchObject({ state: 'succeeded' });
    expect((await readCatalogRecord(lake.root))?.partitions['songs']).toEqual([`snapshot_date=${date}/run_id=run-1`]);
  });

  it('registers the run\'s partitions of every table without a crawl once the tables are recorded, so the staged and published views read them', async () => {
    // Prepare
    await lake.write(date, goodDay(), { runId: 'run-1' });
    await lake.crawl();
    await lake.write(next, goodDay(), { runId: 'run-2' });
    // Act
    const output = await runStartCrawler({ catalog: lake.catalog })({ dates: [{ date: next, extract: true }], executionName: 'run-2' });
    // Assess
    expect(output).toEqual({ state: 'succeeded', polls: 0 });
    const record = await readCatalogRecord(lake.root);
    for (const table of tableNames) expect(record?.partitions[table], table).toEqual([`snapshot_date=${date}/run_id=run-1`, `snapshot_date=${next}/run_id=run-2`]);
    expect(await lake.engine.query('SELECT DISTINCT CAST(snapshot_date AS VARCHAR) AS d, run_id FROM staged_artists ORDER BY d')).toEqual([
      { d: date, run_id: 'run-1' },
      { d: next, run_id: 'run-2' },
    ]);
    expect(await lake.engine.query('SELECT DISTINCT CAST(snapshot_date AS VARCHAR) AS d FROM artists ORDER BY d')).toEqual([{ d: date }, { d: next }]);
  });

  it('succeeds on a redrive that registers the same partitions again, recording each once', async () => {
    // Prepare
    await lake.write(date, goodDay(), { runId: 'run-1' });
    await lake.crawl();
    await lake.write(next, goodDay(), { runId: 'run-2' });
    const start = runStartCrawler({ catalog: lake.catalog });
    await start({ dates: [{ date: next, extract: true }], executionName: 'run-2' });
    // Act
    const again = await start({ dates: [{ date: next, extract: true }], executionName: 'run-2' });
    // Assess
    expect(again).toEqual({ state: 'succeeded', polls: 0 });
    expect((await readCatalogRecord(lake.root))?.partitions['albums']).toEqual([`snapshot_date=${date}/run_id=run-1`, `snapshot_date=${next}/run_id=run-2`]);
  });

  it('crawls instead when a new partition\'s file does not have the columns of core/tables.ts, and the crawl names the column', async () => {
    // Prepare
    await lake.write(date, goodDay(), { runId: 'run-1' });
    await lake.crawl();
    await lake.write(next, goodDay(), { runId: 'run-2' });
    const drifted = parquetWriteBuffer({ columnData: [{ name: 'artist_id', data: ['ar1'], type: 'STRING' }, { name: 'name', data: [42], type: 'INT32' }] });
    await lake.store.put(curatedPartKey('artists', next, 'run-2', 0), new Uint8Array(drifted));
    // Act
    const registration = await lake.catalog.registerPartitions([{ date: next, runId: 'run-2' }]);
    const output = await runStartCrawler({ catalog: lake.catalog })({ dates: [{ date: next, extract: true }], executionName: 'run-2' });
    await lake.catalog.settled();
    // Assess
    expect(registration).toEqual({ registered: false, crawlNeeded: expect.stringContaining('column name is INTEGER, expected VARCHAR') });
    expect(output).toEqual({ state: 'running', polls: 0 });
    expect(await lake.catalog.crawlStatus()).toMatchObject({ state: 'failed', message: expect.stringContaining('column name is INTEGER, expected VARCHAR') });
  });

  it('keeps both runs\' partitions when two registrations of one process run at once', async () => {
    // Prepare
    await lake.write(date, goodDay(), { runId: 'run-1' });
    await lake.crawl();
    await lake.write(next, goodDay(), { runId: 'run-2' });
    await lake.write('2026-11-22', goodDay(), { runId: 'run-3' });
    // Act
    await Promise.all([
      lake.catalog.registerPartitions([{ date: next, runId: 'run-2' }]),
      lake.catalog.registerPartitions([{ date: '2026-11-22', runId: 'run-3' }]),
    ]);
    // Assess
    expect((await readCatalogRecord(lake.root))?.partitions['songs']).toEqual([
      `snapshot_date=${date}/run_id=run-1`,
      `snapshot_date=${next}/run_id=run-2`,
      'snapshot_date=2026-11-22/run_id=run-3',
    ]);
  });

  it('reads the schema of a file once: a later registration checks only the files added or rewritten since', async () => {
    // Prepare: date's files checked by the first crawl; one of them rewritten since, and next's new
    await lake.write(date, goodDay(), { runId: 'run-1' });
    await lake.crawl();
    await lake.store.put(curatedPartKey('songs', date, 'run-1', 0), new HyparquetTableEncoder().encode('songs', goodDay().songs));
    await lake.write(next, goodDay(), { runId: 'run-2' });
    const read: string[] = [];
    const runAndReadAll = lake.db.runAndReadAll.bind(lake.db);
    lake.db.runAndReadAll = async (sql, ...rest) => {
      if (sql.includes('parquet_schema')) read.push(...[...sql.matchAll(/snapshot_date=[^/]+\/run_id=[^/]+\/[^']+/g)].map(([file]) => file));
      return runAndReadAll(sql, ...rest);
    };
    // Act
    const output = await runStartCrawler({ catalog: lake.catalog })({ dates: [{ date: next, extract: true }], executionName: 'run-2' });
    // Assess
    expect(output).toEqual({ state: 'succeeded', polls: 0 });
    expect(read.toSorted()).toEqual([`snapshot_date=${date}/run_id=run-1/part-00000.parquet`, ...tableNames.map(() => `snapshot_date=${next}/run_id=run-2/part-00000.parquet`)].toSorted());
    expect((await readCatalogRecord(lake.root))?.partitions['songs']).toEqual([`snapshot_date=${date}/run_id=run-1`, `snapshot_date=${next}/run_id=run-2`]);
  });

  it('reads every file again once the tables\' columns have changed since its check (a release), so a file of the old schema fails the crawl by name', async () => {
    // Prepare: an artists file without the current columns, recorded as checked by a release whose tables it matched
    await lake.write(date, goodDay(), { runId: 'run-1' });
    await lake.crawl();
    const drifted = parquetWriteBuffer({ columnData: [{ name: 'artist_id', data: ['ar1'], type: 'STRING' }, { name: 'name', data: [42], type: 'INT32' }] });
    await lake.store.put(curatedPartKey('artists', date, 'run-1', 0), new Uint8Array(drifted));
    const key = curatedPartKey('artists', date, 'run-1', 0);
    const stamp = await fileStamp(join(lake.root, key));
    await writeFile(join(lake.root, '.catalog', 'checked-files.json'), JSON.stringify({ schema: 'the tables of an earlier release', files: { [key]: stamp } }));
    await lake.write(next, goodDay(), { runId: 'run-2' });
    // Act
    const registration = await lake.catalog.registerPartitions([{ date: next, runId: 'run-2' }]);
    // Assess
    expect(registration).toEqual({ registered: false, crawlNeeded: expect.stringContaining('column name is INTEGER, expected VARCHAR') });
  });

  it('registers the run\'s partitions even when the record of checked files cannot be written, which costs the next scan only a full check', async () => {
    // Prepare: a folder where the record goes
    await lake.write(date, goodDay(), { runId: 'run-1' });
    await lake.crawl();
    await rm(join(lake.root, '.catalog', 'checked-files.json'), { force: true });
    await mkdir(join(lake.root, '.catalog', 'checked-files.json'));
    await lake.write(next, goodDay(), { runId: 'run-2' });
    // Act
    const output = await runStartCrawler({ catalog: lake.catalog })({ dates: [{ date: next, extract: true }], executionName: 'run-2' });
    // Assess
    expect(output).toEqual({ state: 'succeeded', polls: 0 });
    expect((await readCatalogRecord(lake.root))?.partitions['songs']).toEqual([`snapshot_date=${date}/run_id=run-1`, `snapshot_date=${next}/run_id=run-2`]);
  });

  it('leaves out an earlier run\'s partition whose file is no longer Parquet, as the crawl does, so the staged table stays readable', async () => {
    // Prepare
    await lake.write(date, goodDay(), { runId: 'run-1' });
    await lake.crawl();
    await lake.store.put(curatedPartKey('songs', date, 'run-1', 0), 'cut short');
    await lake.write(next, goodDay(), { runId: 'run-2' });
    // Act
    const output = await runStartCrawler({ catalog: lake.catalog })({ dates: [{ date: next, extract: true }], executionName: 'run-2' });
    // Assess
    expect(output).toEqual({ state: 'succeeded', polls: 0 });
    expect((await readCatalogRecord(lake.root))?.partitions['songs']).toEqual([`snapshot_date=${next}/run_id=run-2`]);
    expect(await lake.engine.query('SELECT DISTINCT run_id FROM staged_songs')).toEqual([{ run_id: 'run-2' }]);
  });
  it('shows a date published again by a later run on a connection that read its earlier run, whose files are gone', async () => {
    // Prepare: the earlier run published and read, so its folder's files are known to the connection
    await lake.write(date, goodDay(), { runId: 'run-1' });
    await lake.crawl();
    const before = await lake.engine.query('SELECT count(*) AS n FROM playlists');
    const oneLess = { ...goodDay(), playlists: goodDay().playlists.slice(1) };
    await lake.write(date, oneLess, { runId: 'run-2' });
    // As RecordRun leaves a date it publishes again: only the published run's folder.
    for (const table of tableNames) await lake.store.delete([curatedPartKey(table, date, 'run-1', 0)]);
    await runStartCrawler({ catalog: lake.catalog })({ dates: [{ date, extract: true }], executionName: 'run-2' });
    // Act
    const after = await lake.engine.query('SELECT count(*) AS n FROM playlists');
    // Assess
    expect(before).toEqual([{ n: goodDay().playlists.length }]);
    expect(after).toEqual([{ n: oneLess.playlists.length }]);
  });
  it('says each date whose manifest is damaged in the order of the dates, though it reads several manifests at a time', async () => {
    // Prepare
    const dates = Array.from({ length: 40 }, (_, day) => addDays('2026-10-01', day));
    for (const [index, day] of dates.entries()) await lake.store.put(runManifestKey(day), index % 2 === 0 ? '{"version": 2' : `{"version": 2, "pad": "${'x'.repeat(50_000)}`);
    const warnings: string[] = [];
    const engine = new DuckDbQueryEngine(lake.root, lake.db, { onWarning: (warning) => warnings.push(warning) });
    // Act
    await engine.query('SELECT count(*) AS n FROM songs');
    // Assess
    expect(warnings.map((warning) => /snapshot_date=([\d-]+)/.exec(warning)?.[1])).toEqual(dates);
  });
  it("shows each lake's own files to engines over two lakes on one connection, though their runs have the same id", async () => {
    // Prepare
    const other = await createTestLake();
    try {
      await lake.write(date, goodDay(), { runId: 'run-1' });
      await lake.crawl();
      await other.write(date, { ...goodDay(), playlists: goodDay().playlists.slice(1) }, { runId: 'run-1' });
      await other.crawl();
      // Act
      const own = await lake.engine.query('SELECT count(*) AS n FROM playlists');
      const others = await new DuckDbQueryEngine(other.root, lake.db).query('SELECT count(*) AS n FROM playlists');
      // Assess
      expect(own).toEqual([{ n: goodDay().playlists.length }]);
      expect(others).toEqual([{ n: goodDay().playlists.length - 1 }]);
    } finally {
      await other.remove();
    }
  });
});
