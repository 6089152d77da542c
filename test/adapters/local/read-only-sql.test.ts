/**
 * The read-only guard on a real DuckDB: which statements its parser calls reads, and what a
 * confined instance can still touch.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDuckDb, type LocalDuckDb } from '../../../adapters/local/duckdb-lake';
import { assertReadOnly, confineTo, explainedText, runReadOnly } from '../../../adapters/local/read-only-sql';
import { tempFolder } from '../../support/temp-folders';

describe('assertReadOnly', () => {
  let duck: LocalDuckDb;
  beforeEach(async () => {
    duck = await openDuckDb();
    await duck.connection.run('CREATE TABLE t AS SELECT 1 AS a');
    await duck.connection.run('CREATE TEMP VIEW v AS SELECT 1 AS a');
  });
  afterEach(() => duck.close());

  it.each([
    'select a from t',
    'with x as (select 1 as n) select n from x',
    'describe v',
    'show tables',
    'summarize v',
    'explain select * from v',
    'explain analyze select * from v',
    '-- why\nEXPLAIN /* plan */ (format json) select 1',
    'values (1), (2)',
    'from v',
    'table t',
    "pragma table_info('v')",
    'select 1; select 2',
  ])('accepts the read %j', async (sql) => {
    await expect(assertReadOnly(duck.connection, sql)).resolves.not.toHaveLength(0);
  });

  it.each([
    ["copy t to '/tmp/never.csv'", 'got COPY'],
    ["attach ':memory:' as m", 'got ATTACH'],
    ['detach memory', 'got DETACH'],
    ['install httpfs', 'got INSTALL or LOAD'],
    ['load parquet', 'got INSTALL or LOAD'],
    ['set enable_external_access = true', 'got SET, RESET or USE'],
    ['reset threads', 'got SET, RESET or USE'],
    ['use memory', 'got SET, RESET or USE'],
    ['set variable x = 1', 'got SET, RESET or USE'],
    ['pragma enable_profiling', 'got PRAGMA'],
    ['create table u (a int)', 'got CREATE'],
    ['create or replace temp view v as select 2 as a', 'got CREATE'],
    ['insert into t values (2)', 'got INSERT'],
    ['update t set a = 2', 'got UPDATE'],
    ['delete from t', 'got DELETE'],
    ['drop view v', 'got DROP'],
    ['alter table t rename to u', 'got ALTER'],
    ["export database '/tmp/never'", 'got EXPORT DATABASE'],
    ['checkpoint', 'got CALL or CHECKPOINT'],
    ["call pragma_table_info('t')", 'got CALL or CHECKPOINT'],
    ['begin transaction', 'got BEGIN, COMMIT or ROLLBACK'],
    ['select 1; delete from t', 'got DELETE (statement 2 of 2)'],
    ["explain analyze copy t to '/tmp/never.csv'", 'got EXPLAIN of COPY'],
    ['explain analyze create table u as select 1', 'got EXPLAIN of CREATE'],
    ['select 1; explain select 1', 'EXPLAIN must be the only statement'],
    ['update v set a = 2', 'got UPDATE'],
    ['with x as (select 1 as a) update v set a = 2', 'DuckDB could not prepare this one: Binder Error'],
    ['select 1; update v set a = 2', 'DuckDB could not prepare this one (statement 2 of 2): Binder Error'],
    ['', 'got no statement'],
    ['-- only a comment', 'got no statement'],
  ])('refuses %j, saying what is allowed and %j', async (sql, got) => {
    const refused = assertReadOnly(duck.connection, sql);

    await expect(refused).rejects.toThrow(`only read statements are allowed (SELECT, WITH, DESCRIBE, SHOW, EXPLAIN, SUMMARIZE); ${got}`);
    await expect(refused).rejects.toThrow(/^[^\n]*$/);
  });

  it('leaves a read that fails to bind with DuckDB\'s own message', async () => {
    await expect(assertReadOnly(duck.connection, 'select * from no_such_table')).rejects.toThrow(/no_such_table/);
    await expect(assertReadOnly(duck.connection, 'select * from no_such_table')).rejects.not.toThrow(/only read statements/);
  });

  it('prepares a refused statement but never runs it', async () => {
    await expect(assertReadOnly(duck.connection, 'select 1; insert into t values (2)')).rejects.toThrow('got INSERT');

    const rows = (await duck.connection.runAndReadAll('select count(*)::int as n from t')).getRowObjectsJS();
    expect(rows).toEqual([{ n: 1 }]);
  });
});

describe('explainedText', () => {
  it.each([
    ['EXPLAIN SELECT 1', 'SELECT 1'],
    ['  explain analyze select 1', 'select 1'],
    ['explain analyse verbose select 1', 'select 1'],
    ['explain (analyze, format json) copy t to x', ' copy t to x'],
    ['/* a */ explain -- b\n analyze select 1', 'select 1'],
  ])('finds what %j explains', (sql, inner) => {
    expect(explainedText(sql)).toBe(inner);
  });

  it.each(["explain (format ')') copy t to x", 'explain (analyze', 'explainselect 1', 'select 1'])(
    'gives up on %j rather than guess',
    (sql) => {
      expect(explainedText(sql)).toBeUndefined();
    },
  );
});

describe('a confined instance and its spill folder', () => {
  it('spills a sort larger than its memory into the folder it was given; with none the sort fails for want of memory', async () => {
    for (const spill of ['given', 'none'] as const) {
      // Prepare: a memory limit a sort of five million rows does not fit
      const duck = await openDuckDb();
      const folder = await tempFolder('read-only-spill-');
      try {
        await duck.connection.run("SET memory_limit = '64MB'");
        await duck.connection.run('SET threads = 1');
        await confineTo(duck.connection, [], spill === 'given' ? join(folder, 'spill') : '');
        // Act
        const sorted = runReadOnly(duck.connection, 'select count(*) as n from (select x from range(5000000) t(x) order by x desc)');
        // Assess
        if (spill === 'given') expect((await sorted).getRowObjectsJS()).toEqual([{ n: 5_000_000n }]);
        else await expect(sorted).rejects.toThrow(/Out of Memory/);
      } finally {
        duck.close();
      }
    }
  });
});

describe('confineTo', () => {
  let duck: LocalDuckDb;
  let folder: string;
  beforeEach(async () => {
    duck = await openDuckDb();
    folder = await tempFolder('read-only-sql-');
    await duck.connection.run(`COPY (SELECT 1 AS a) TO '${join(folder, 'published.parquet')}'`);
    await duck.connection.run(`COPY (SELECT 2 AS a) TO '${join(folder, 'candidate.parquet')}'`);
    await writeFile(join(folder, 'secret.json'), '{"secret":"s"}', { mode: 0o600 });
    await duck.connection.run(`CREATE TEMP VIEW v AS SELECT * FROM read_parquet(['${join(folder, 'published.parquet')}'])`);
    await confineTo(duck.connection, [join(folder, 'published.parquet')]);
  });
  afterEach(() => duck.close());

  it('still answers a view created before over the allowed file', async () => {
    const reader = await runReadOnly(duck.connection, 'select a from v');

    expect(reader.getRowObjectsJS()).toEqual([{ a: 1 }]);
  });

  it.each([
    (folder: string) => `select * from read_parquet('${join(folder, 'candidate.parquet')}')`,
    (folder: string) => `select * from read_text('${join(folder, 'secret.json')}')`,
    () => "select * from read_text('/etc/passwd')",
    (folder: string) => `select * from glob('${folder}/*')`,
    (folder: string) => `select * from read_text('${join(folder, 'published.parquet')}/../secret.json')`,
    (folder: string) => `select * from read_text('${join(folder, 'published.parquet')}.json')`,
  ])('refuses any other file in one line naming the tables (%#)', async (sqlIn) => {
    const refused = runReadOnly(duck.connection, sqlIn(folder));

    await expect(refused).rejects.toThrow(/^only the lake's published tables can be read \(playlists, .*\), no other file: Permission Error: Cannot access file/);
  });

  it('cannot be undone by SET or RESET once locked', async () => {
    await expect(duck.connection.run('SET enable_external_access = true')).rejects.toThrow(/configuration has been locked/);
    await expect(duck.connection.run('RESET allowed_paths')).rejects.toThrow(/configuration has been locked/);
    await expect(duck.connection.run('SET lock_configuration = false')).rejects.toThrow(/configuration has been locked/);
  });

  it('keeps EXPLAIN ANALYZE from writing the allowed file, which the confinement alone would let through', async () => {
    const published = join(folder, 'published.parquet');
    const before = await readFile(published);
    // DuckDB's allowed_paths grants writing too: only the statement check stands in the way.
    const sql = `explain analyze copy (select 5 as a) to '${published}' (use_tmp_file false)`;

    await expect(runReadOnly(duck.connection, sql)).rejects.toThrow('got EXPLAIN of COPY');

    expect(await readFile(published)).toEqual(before);
  });
});
