import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DuckDbQueryEngine, openDuckDb } from '../../../adapters/local/duckdb-catalog';
import { FsBlobStore } from '../../../adapters/local/fs-blob-store';
import { ErrorName } from '../../../core/errors';
import { curatedPartKey, runManifestKey } from '../../../core/lake/keys';
import { tableNames, tables, type TableName, type TableRows } from '../../../core/tables';
import { asReturned, createTestLake, goodDay, type TestLake } from './lake-fixture';

const date = '2026-11-20';

const typesOf = async (lake: TestLake, table: TableName): Promise<Record<string, unknown>> =>
  Object.fromEntries(
    (await lake.engine.query(`DESCRIBE ${table}`)).map((row) => [row['column_name'], row['column_type']]),
  );

describe('DuckDbCatalog and DuckDbQueryEngine over Parquet written by HyparquetTableEncoder', () => {
  let lake: TestLake;

  beforeEach(async () => {
    lake = await createTestLake();
  });
  afterEach(async () => {
    await lake.remove();
  });

  it('returns exactly the rows written, for every table', async () => {
    // Prepare
    const rows = goodDay();
    await lake.write(date, rows);

    // Act
    const status = await lake.crawl();
    const read = Object.fromEntries(
      await Promise.all(
        tableNames.map(async (table) => [table, await lake.engine.query(`SELECT * FROM ${table}`)] as const),
      ),
    ) as Record<TableName, Record<string, unknown>[]>;

    // Assess
    expect(status).toMatchObject({ state: 'succeeded' });
    for (const table of tableNames) {
      const written = asReturned(rows[table].map((row) => ({ ...row, snapshot_date: date })));
      expect(asReturned(read[table]), table).toEqual(written);
    }
  });

  it('types the columns explicitly: INTEGER, BOOLEAN, TIMESTAMP (UTC instants, no time zone), DATE partition', async () => {
    // Prepare
    await lake.write(date, goodDay());
    await lake.crawl();

    // Act
    const items = await typesOf(lake, 'playlist_items');
    const playlists = await typesOf(lake, 'playlists');
    const [typeofs] = await lake.engine.query(
      'SELECT typeof(added_at) AS added_at, typeof("position") AS pos, typeof(snapshot_date) AS day FROM playlist_items LIMIT 1',
    );

    // Assess
    expect(items).toMatchObject({ position: 'INTEGER', added_at: 'TIMESTAMP', item_type: 'VARCHAR', snapshot_date: 'DATE' });
    expect(playlists).toMatchObject({ public: 'BOOLEAN', collaborative: 'BOOLEAN', total_items: 'INTEGER' });
    expect(typeofs).toEqual({ added_at: 'TIMESTAMP', pos: 'INTEGER', day: 'DATE' });
  });

  it('writes snappy Parquet with statistics and required/optional columns as core/tables.ts declares', async () => {
    // Prepare
    await lake.write(date, goodDay());
    const file = join(lake.root, ...curatedPartKey('songs', date, 'run-1', 0).split('/'));

    // Act
    const schema = await lake.engine.query(
      `SELECT name, repetition_type FROM parquet_schema('${file}') WHERE name <> 'root'`,
    );
    const chunks = await lake.engine.query(
      `SELECT path_in_schema, compression, stats_min_value, stats_max_value FROM parquet_metadata('${file}')`,
    );

    // Assess
    expect(schema).toEqual(
      tables.songs.map((column) => ({ name: column.name, repetition_type: column.nullable ? 'OPTIONAL' : 'REQUIRED' })),
    );
    expect(new Set(chunks.map((chunk) => chunk['compression']))).toEqual(new Set(['SNAPPY']));
    expect(chunks.find((chunk) => chunk['path_in_schema'] === 'duration_ms')).toMatchObject({
      stats_min_value: '0',
      stats_max_value: '200000',
    });
  });

  it('lets a new process query the tables the crawl recorded', async () => {
    // Prepare
    await lake.write(date, goodDay());
    await lake.crawl();
    const otherDb = await openDuckDb();
    const otherEngine = new DuckDbQueryEngine(lake.root, otherDb.connection);

    // Act
    const counts = await otherEngine.query(
      'SELECT (SELECT COUNT(*) FROM songs) AS songs, (SELECT COUNT(*) FROM playlist_items) AS items',
    );
    otherDb.close();

    // Assess
    expect(counts).toEqual([{ songs: 3, items: 6 }]);
  });

  it('releases a file-backed database on close, so another process can open it', async () => {
    // Prepare: DuckDB locks a database file until its database (not only its connection) is closed.
    const path = join(lake.root, 'catalog.duckdb');
    const db = await openDuckDb({ path });
    await db.connection.run('CREATE TABLE t AS SELECT 1 AS x');
    const openElsewhere = `require('@duckdb/node-api').DuckDBInstance.create(${JSON.stringify(path)})
      .then((other) => { other.closeSync(); console.log('opened'); }, (error) => console.log(error.message))`;

    // Act
    db.close();
    const other = execFileSync(process.execPath, ['-e', openElsewhere], { encoding: 'utf8' });

    // Assess
    expect(other.trim()).toBe('opened');
  });

  it('answers a query on a fresh lake with no rows, and keeps the typed columns', async () => {
    // Act
    const counts = await lake.engine.query('select count(*) as n from songs');
    const types = await typesOf(lake, 'playlist_items');

    // Assess
    expect(counts).toEqual([{ n: 0 }]);
    expect(types).toMatchObject({ position: 'INTEGER', added_at: 'TIMESTAMP', snapshot_date: 'DATE' });
  });

  it('does not see a partition written after the crawl until the next crawl, as Athena with Glue', async () => {
    // Prepare
    await lake.write(date, goodDay());
    await lake.crawl();
    await lake.write('2026-11-21', goodDay());

    // Act
    const before = await lake.engine.query('SELECT DISTINCT CAST(snapshot_date AS VARCHAR) AS d FROM artists');
    await lake.crawl();
    const after = await lake.engine.query('SELECT DISTINCT CAST(snapshot_date AS VARCHAR) AS d FROM artists ORDER BY d');

    // Assess
    expect(before).toEqual([{ d: date }]);
    expect(after).toEqual([{ d: date }, { d: '2026-11-21' }]);
  });

  it('shows a rewritten partition once, without duplicates', async () => {
    // Prepare
    await lake.write(date, goodDay());
    await lake.crawl();
    const fewer: TableRows = { ...goodDay(), artists: [{ artist_id: 'ar9', name: 'Only' }] };

    // Act
    await lake.write(date, fewer);
    const artists = await lake.engine.query('SELECT artist_id FROM artists');

    // Assess
    expect(artists).toEqual([{ artist_id: 'ar9' }]);
  });

  it('reports running while a crawl is under way and its outcome after', async () => {
    // Act
    await lake.catalog.startCrawl();
    const during = await lake.catalog.crawlStatus();
    await lake.catalog.settled();
    const after = await lake.catalog.crawlStatus();

    // Assess
    expect(during).toEqual({ state: 'running' });
    expect(after).toMatchObject({ state: 'succeeded' });
  });

  it('fails with CrawlerBusyError when a crawl is started while one runs', async () => {
    // Act
    const first = lake.catalog.startCrawl();
    const second = lake.catalog.startCrawl();

    // Assess
    await expect(first).resolves.toBeUndefined();
    await expect(second).rejects.toMatchObject({ name: ErrorName.CrawlerBusy, message: expect.stringContaining('already being crawled') });
    await lake.catalog.settled();
  });

  it('fails the status check when no crawl has ever run', async () => {
    expect(await lake.catalog.crawlStatus()).toEqual({
      state: 'failed',
      message: expect.stringContaining('No crawl has run'),
    });
  });

  it('fails the crawl, naming table and column, when files do not have the schema of core/tables.ts; keeps what it had', async () => {
    // Prepare
    await lake.write(date, goodDay());
    await lake.crawl();
    const drifted = parquetWriteBuffer({
      columnData: [
        { name: 'artist_id', data: ['ar1'], type: 'STRING' },
        { name: 'name', data: [42], type: 'INT32' },
      ],
    });
    await lake.store.put(curatedPartKey('artists', '2026-11-22', 'run-1', 0), new Uint8Array(drifted));

    // Act
    const status = await lake.crawl();
    const artists = await lake.engine.query('SELECT COUNT(*) AS n FROM artists');

    // Assess
    expect(status).toEqual({
      state: 'failed',
      message: expect.stringMatching(
        /curated\/artists\/ does not match core\/tables\.ts: .*snapshot_date=2026-11-22\/run_id=run-1\/part-00000\.parquet: column name is INTEGER, expected VARCHAR/,
      ),
    });
    expect(artists).toEqual([{ n: 3 }]);
  });

  it('reads a manifest again only once it has been rewritten: a later query shows the run published since, without rereading the rest', async () => {
    // Prepare: two dates published by run-1 and queried once
    await lake.write(date, goodDay());
    await lake.write('2026-11-21', goodDay());
    await lake.crawl();
    await lake.engine.query('SELECT COUNT(*) AS n FROM songs');
    // run-2 publishes the first date again, with one song fewer
    await lake.write(date, { ...goodDay(), songs: goodDay().songs.slice(1) }, { runId: 'run-2' });
    await lake.crawl();
    const manifestsRead: string[] = [];
    const get = FsBlobStore.prototype.get;
    const spy = vi.spyOn(FsBlobStore.prototype, 'get').mockImplementation(function (this: FsBlobStore, key: string) {
      if (key.startsWith('runs/')) manifestsRead.push(key);
      return get.call(this, key);
    });
    // Act
    const published = await lake.engine.query('SELECT CAST(snapshot_date AS VARCHAR) AS d, COUNT(*) AS n FROM songs GROUP BY d ORDER BY d');
    const again = await lake.engine.query('SELECT COUNT(*) AS n FROM songs');
    spy.mockRestore();
    // Assess
    expect(published).toEqual([{ d: date, n: goodDay().songs.length - 1 }, { d: '2026-11-21', n: goodDay().songs.length }]);
    expect(again).toEqual([{ n: 2 * goodDay().songs.length - 1 }]);
    expect(manifestsRead).toEqual([runManifestKey(date)]);
  });

  it('reads each column by its name, whatever order a file holds them in', async () => {
    // Prepare: a later date's artists written with the two columns swapped, so reading by position would swap the values
    await lake.write(date, goodDay());
    await lake.write('2026-11-21', goodDay());
    const swapped = parquetWriteBuffer({
      columnData: [
        { name: 'name', data: ['Swapped Name'], type: 'STRING' },
        { name: 'artist_id', data: ['arSwapped'], type: 'STRING' },
      ],
    });
    await lake.store.put(curatedPartKey('artists', '2026-11-21', 'run-1', 0), new Uint8Array(swapped));

    // Act
    const status = await lake.crawl();
    const artists = await lake.engine.query("SELECT artist_id, name FROM artists WHERE snapshot_date = DATE '2026-11-21'");

    // Assess
    expect(status).toMatchObject({ state: 'succeeded' });
    expect(artists).toEqual([{ artist_id: 'arSwapped', name: 'Swapped Name' }]);
  });

  it('leaves out, and names, a partition whose file is not Parquet, so a rerun of its date can still crawl and repair it', async () => {
    // Prepare
    await lake.write(date, goodDay());
    await lake.store.put(curatedPartKey('songs', '2026-11-21', 'run-1', 0), 'not parquet at all');

    // Act
    const status = await lake.crawl();
    const songs = await lake.engine.query('SELECT COUNT(*) AS n FROM staged_songs');

    // Assess
    expect(status).toEqual({
      state: 'succeeded',
      message: expect.stringMatching(/left out the partitions of .*snapshot_date=2026-11-21\/run_id=run-1\/part-00000\.parquet: not readable Parquet/),
    });
    expect(songs).toEqual([{ n: goodDay().songs.length }]);
  });

  it('ignores folders that are not snapshot_date partitions of a known table', async () => {
    // Prepare
    await lake.write(date, goodDay());
    await lake.store.put('curated/songs/snapshot_date=2026-02-30/part-00000.parquet', 'ignored');
    await lake.store.put('curated/unknown_table/snapshot_date=2026-11-20/part-00000.parquet', 'ignored');
    await lake.store.put('curated/songs/README.txt', 'ignored');

    // Act
    const status = await lake.crawl();

    // Assess
    expect(status).toMatchObject({ state: 'succeeded' });
    expect(await lake.engine.query('SELECT COUNT(*) AS n FROM songs')).toEqual([{ n: 3 }]);
  });

  it('converts values to plain JSON: safe integers as numbers, dates and timestamps as ISO strings', async () => {
    // Act
    const [row] = await lake.engine.query(
      "SELECT 2::BIGINT AS small, 9007199254740993::BIGINT AS big, 170141183460469231731687303715884105727::HUGEINT AS huge, " +
        "1.5::DECIMAL(3,1) AS dec, DATE '2026-11-20' AS day, TIMESTAMP '2026-11-20 10:00:00.5' AS ts, " +
        "TIMESTAMPTZ '2026-11-20 10:00:00+02' AS tz, [1, 2]::BIGINT[] AS list, NULL AS nothing",
    );

    // Assess
    expect(row).toEqual({
      small: 2,
      big: '9007199254740993',
      huge: '170141183460469231731687303715884105727',
      dec: 1.5,
      day: '2026-11-20',
      ts: '2026-11-20T10:00:00.500Z',
      tz: '2026-11-20T08:00:00.000Z',
      list: [1, 2],
      nothing: null,
    });
  });

  it('fails with QueryFailedError carrying DuckDB\'s message for a bad query', async () => {
    await expect(lake.engine.query('select * from nosuch')).rejects.toMatchObject({
      name: ErrorName.QueryFailed,
      message: expect.stringContaining('Table with name nosuch does not exist'),
    });
  });

  it('runs a started query to succeeded and returns its rows', async () => {
    // Prepare
    await lake.write(date, goodDay());
    await lake.crawl();

    // Act
    const id = await lake.engine.start('SELECT playlist_id, total_items FROM playlists ORDER BY playlist_id');
    await lake.engine.query('SELECT 1');
    const status = await lake.engine.status(id);
    const rows = await lake.engine.results(id);

    // Assess
    expect(status).toEqual({ state: 'succeeded' });
    expect(rows).toEqual([
      { playlist_id: 'pl1', total_items: 3 },
      { playlist_id: 'pl2', total_items: 3 },
    ]);
  });

  it('fails a started bad query with its reason in status and results', async () => {
    // Act
    const id = await lake.engine.start('SELECT nonsense FROM songs');
    await lake.engine.query('SELECT 1');
    const status = await lake.engine.status(id);

    // Assess
    expect(status).toEqual({ state: 'failed', reason: expect.stringContaining('nonsense') });
    await expect(lake.engine.results(id)).rejects.toMatchObject({ name: ErrorName.QueryFailed });
  });

  it('settles a started query, succeeded or failed, so the local run can poll it once with no wait', async () => {
    // Act
    const good = await lake.engine.start('SELECT 1 AS one');
    const bad = await lake.engine.start('SELECT nonsense FROM songs');
    await lake.engine.settled(bad);
    await lake.engine.settled(good);

    // Assess
    expect(await lake.engine.status(good)).toEqual({ state: 'succeeded' });
    expect(await lake.engine.status(bad)).toMatchObject({ state: 'failed' });
  });

  it('fails clearly for a query id it never started', async () => {
    await expect(lake.engine.status('no-such-id')).rejects.toMatchObject({
      name: ErrorName.QueryFailed,
      message: expect.stringContaining('Unknown query id "no-such-id"'),
    });
  });

  it('fails queries with a clear message when the catalog record is damaged', async () => {
    // Prepare
    await mkdir(join(lake.root, '.catalog'), { recursive: true });
    await writeFile(join(lake.root, '.catalog', 'catalog.json'), '{"version": 1, "partitions": 3}');

    // Act
    const attempt = lake.engine.query('SELECT 1');

    // Assess
    await expect(attempt).rejects.toMatchObject({
      name: ErrorName.QueryFailed,
      message: expect.stringMatching(/catalog record .*catalog\.json is damaged .*delete it and crawl again/),
    });
  });
});
