import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/command';
import { query, queryHelp } from '../../cli/commands/query';
import { createRun } from '../../cli/commands/run';
import { formatRows } from '../../cli/local/text';
import { readStatements } from '../../adapters/local/read-only-sql';
import { analystViews } from '../../core/analyst-views';
import { tableNames } from '../../core/tables';
import { captureIo } from '../support/cli-io';
import { tempFolderForSuite } from '../support/temp-folders';

describe('spotify-etl query', () => {
  const lake = tempFolderForSuite('spotify-etl-query-');
  beforeAll(async () => {
    const code = await createRun({ clock: { now: () => new Date('2026-11-20T07:00:00Z') } })(['--lake', lake()], captureIo(lake()));
    if (code !== 0) throw new Error('the run that lays down the lake failed');
  });

  it('prints the rows as JSON with --json, in a new process\'s catalog', async () => {
    const io = captureIo(lake());

    const code = await query(['select snapshot_date::varchar as d, count(*) as n from playlists group by 1', '--json', '--lake', lake()], io);

    expect(code).toBe(0);
    expect(JSON.parse(io.stdout())).toEqual([{ d: '2026-11-20', n: expect.any(Number) }]);
  });

  it('prints an aligned table by default', async () => {
    const io = captureIo(lake());

    await query(["select 'x' as name, 1 as n union all select 'longer', null order by name desc", '--lake', lake()], io);

    expect(io.stdout()).toBe('name    n\n------  ----\nx       1\nlonger  null\n');
  });

  it('fails with the engine\'s reason on bad SQL, as one message and exit 1', async () => {
    const io = captureIo(lake());

    const code = await query(['select * from no_such_table', '--lake', lake()], io);

    expect(code).toBe(1);
    expect(io.stderr()).toMatch(/^spotify-etl query: .*no_such_table/);
  });

  it('fails when there is no lake, saying how to make one', async () => {
    const io = captureIo(lake());

    const code = await query(['select 1', '--lake', join(lake(), 'missing')], io);

    expect(code).toBe(1);
    expect(io.stderr()).toContain('run `spotify-etl run` first');
  });

  it('answers from a folder no run has written to, saying every table is empty and why', async () => {
    const folder = join(lake(), 'curated');
    const io = captureIo(lake());

    const code = await query(['select count(*) as n from songs', '--json', '--lake', folder], io);

    expect(code).toBe(0);
    expect(JSON.parse(io.stdout())).toEqual([{ n: 0 }]);
    expect(io.stderr()).toBe(`spotify-etl query: ${folder} holds no run (no runs/ folder), so every table is empty; run \`spotify-etl run\` first, or point --lake at a lake\n`);
  });

  it('takes SQL that opens with a comment line for the statement, not an option', async () => {
    const io = captureIo(lake());

    const code = await query(['--lake', lake(), '-- songs of the day\nselect count(*) as n from songs', '--json'], io);

    expect(io.stderr()).toBe('');
    expect(code).toBe(0);
    expect((JSON.parse(io.stdout()) as { n: number }[])[0]?.n).toBeGreaterThan(0);
  });

  it('takes an argument after --lake for its value, though it opens like a comment', async () => {
    await expect(query(['--lake', '-- x', 'select 1 as a'], captureIo(lake()))).rejects.toThrow(UsageError);
  });

  it('names in its help every statement, table and view it reads', () => {
    for (const name of [readStatements, ...tableNames, ...analystViews.map((view) => view.name)]) expect(queryHelp).toContain(name);
  });

  it('fails without exactly one SQL statement as a usage error', async () => {
    await expect(query(['--lake', lake()], captureIo(lake()))).rejects.toThrow(UsageError);
  });

  describe('is read-only and confined to the lake\'s published tables', () => {
    const allowed = 'only read statements are allowed (SELECT, WITH, DESCRIBE, SHOW, EXPLAIN, SUMMARIZE)';
    const confined = `only the lake's published tables can be read (${tableNames.join(', ')}; views ${analystViews.map((view) => view.name).join(', ')}), no other file`;
    const secret = 'never-print-this-client-secret';
    beforeAll(() => {
      // What `auth login` leaves, besides the emulator's own 0600 files the run wrote.
      mkdirSync(join(lake(), '.state'), { recursive: true });
      writeFileSync(join(lake(), '.state', 'credentials.json'), JSON.stringify({ clientId: 'c', clientSecret: secret, refreshToken: 'r' }), { mode: 0o600 });
    });
    const publishedFile = (): string => filesUnder(join(lake(), 'curated', 'playlists')).find((file) => file.endsWith('.parquet')) ?? '';

    it.each([
      ['COPY … TO a file', () => `copy (select * from playlists) to '${lake()}-stolen.csv'`, 'got COPY'],
      ['COPY … TO a new file in curated/', () => `copy (select 1 as a) to '${join(lake(), 'curated', 'x.parquet')}'`, 'got COPY'],
      ['COPY … TO a published file', () => `copy (select * from playlists limit 0) to '${publishedFile()}' (use_tmp_file false)`, 'got COPY'],
      ['EXPLAIN ANALYZE COPY … TO a published file', () => `explain analyze copy (select * from playlists limit 0) to '${publishedFile()}' (use_tmp_file false)`, 'got EXPLAIN of COPY'],
      ['ATTACH', () => `attach '${join(lake(), 'curated', 'x.duckdb')}' as x`, 'got ATTACH'],
      ['INSTALL httpfs', () => 'install httpfs', 'got INSTALL or LOAD'],
      ['SET enable_external_access=true', () => 'set enable_external_access=true', 'got SET, RESET or USE'],
      ['CREATE TABLE', () => 'create table t as select * from playlists', 'got CREATE'],
      ['an UPDATE of a table', () => "update playlists set name = 'x'", 'got UPDATE'],
      ['a write hidden after a SELECT', () => `select 1; copy (select 1 as a) to '${publishedFile()}' (use_tmp_file false)`, 'got COPY (statement 2 of 2)'],
    ])('refuses %s in one line saying what is allowed, and leaves the lake as it was', async (_name, sql, got) => {
      const before = snapshot(lake());
      const io = captureIo(lake());

      const code = await query([sql(), '--lake', lake()], io);

      expect(code).toBe(1);
      expect(io.stderr()).toBe(`spotify-etl query: ${allowed}; ${got}\n`);
      expect(io.stdout()).toBe('');
      expect(snapshot(lake())).toEqual(before);
      expect(existsSync(`${lake()}-stolen.csv`)).toBe(false);
    });

    it.each(['read_text', 'read_blob', 'read_csv', 'read_json'])('refuses %s of every file under <lake>/.state/', async (reader) => {
      const stateFiles = filesUnder(join(lake(), '.state'));
      expect(stateFiles.length).toBeGreaterThanOrEqual(2);
      for (const file of stateFiles) {
        const io = captureIo(lake());

        const code = await query([`select * from ${reader}('${file}')`, '--lake', lake()], io);

        expect(code, file).toBe(1);
        expect(io.stderr()).toBe(`spotify-etl query: ${confined}: Permission Error: Cannot access file "${file}" - file system operations are disabled by configuration\n`);
        expect(io.stdout() + io.stderr()).not.toContain(secret);
      }
    });

    it.each([
      ['/etc/passwd', () => "select * from read_text('/etc/passwd')"],
      ['a raw page', () => `select * from read_json('${filesUnder(join(lake(), 'raw')).find((file) => file.endsWith('.json')) ?? ''}')`],
      ['the catalog', () => `select * from read_text('${join(lake(), '.catalog', 'catalog.json')}')`],
      ['a glob over the lake', () => `select * from glob('${lake()}/**')`],
    ])('refuses to read %s, saying only the published tables can be read', async (_name, sql) => {
      const io = captureIo(lake());

      const code = await query([sql(), '--lake', lake()], io);

      expect(code).toBe(1);
      expect(io.stderr()).toMatch(new RegExp(`^spotify-etl query: ${escape(confined)}: Permission Error: Cannot access file "[^\n]*"[^\n]*\n$`));
    });

    it("refuses to read DuckDB's temporary folder below where it runs, which a lake's own .tmp/ of half-written puts is when run from the lake", async () => {
      // Prepare: what a killed put leaves in the lake's .tmp/ (unvalidated pages, counts)
      mkdirSync(join(lake(), '.tmp'), { recursive: true });
      writeFileSync(join(lake(), '.tmp', 'page.json.partial'), '{"items":["not validated"]}');
      const started = process.cwd();
      process.chdir(lake());
      try {
        for (const file of ['.tmp/page.json.partial', join(lake(), '.tmp', 'page.json.partial')]) {
          const io = captureIo(lake());
          // Act
          const code = await query([`select * from read_text('${file}')`, '--lake', '.'], io);
          // Assess
          expect(code, file).toBe(1);
          expect(io.stdout()).not.toContain('not validated');
          expect(io.stderr()).toContain('Permission Error');
        }
      } finally {
        process.chdir(started);
        rmSync(join(lake(), '.tmp', 'page.json.partial'));
      }
    });

    it.each([
      ['SELECT', "select count(*) as n from playlists where snapshot_date = '2026-11-20'"],
      ['WITH', 'with p as (select playlist_id from playlists) select count(*) as n from p'],
      ['DESCRIBE', 'describe playlist_items'],
      ['SHOW', 'show tables'],
      ['EXPLAIN', 'explain select * from songs'],
      ['EXPLAIN ANALYZE', 'explain analyze select count(*) from songs'],
      ['SUMMARIZE', 'summarize artists'],
      ['a published file by name', () => `select count(*) as n from read_parquet('${publishedFile()}')`],
    ])('answers %s', async (_name, sql) => {
      const io = captureIo(lake());

      const code = await query([typeof sql === 'string' ? sql : sql(), '--json', '--lake', lake()], io);

      expect(io.stderr()).toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(io.stdout())).not.toHaveLength(0);
    });
  });

  describe('builds the views a query needs', () => {
    it.each(['show tables', 'SELECT table_name AS name FROM information_schema.tables ORDER BY 1', 'select view_name as name from duckdb_views() where not internal order by 1'])(
      'lists every table and analysts\' view for %s, though it names none',
      async (sql) => {
        const io = captureIo(lake());

        const code = await query([sql, '--json', '--lake', lake()], io);

        expect(code).toBe(0);
        expect((JSON.parse(io.stdout()) as { name: string }[]).map((row) => row.name).toSorted()).toEqual([...tableNames, ...analystViews.map((view) => view.name)].toSorted());
      },
    );

    it.each([
      ['a table it reaches by a string', "select count(*) as n from query_table('songs')"],
      ["a macro of the analysts' views", "select array_join(['a', 'b'], '-') as n"],
    ])('answers %s, which fails without every view, by running it again with all of them', async (_what, sql) => {
      const io = captureIo(lake());

      const code = await query([sql, '--json', '--lake', lake()], io);

      expect(io.stderr()).toBe('');
      expect(code).toBe(0);
      expect((JSON.parse(io.stdout()) as { n: unknown }[])[0]?.n).toBeTruthy();
    });

    describe('on a lake with a damaged manifest', () => {
      const damaged = tempFolderForSuite('spotify-etl-query-damaged-');
      const warning = 'spotify-etl query: runs/snapshot_date=2026-11-20/manifest.json cannot be read';
      beforeAll(() => {
        cpSync(lake(), damaged(), { recursive: true });
        writeFileSync(join(damaged(), 'runs', 'snapshot_date=2026-11-20', 'manifest.json'), '{"version": 2, "snapsh');
      });

      it('reads no manifest for a query that names no table', async () => {
        const io = captureIo(damaged());

        const code = await query(['select 42 as answer', '--json', '--lake', damaged()], io);

        expect(code).toBe(0);
        expect(JSON.parse(io.stdout())).toEqual([{ answer: 42 }]);
        expect(io.stderr()).toBe('');
      });

      it('says the damaged date once for a query it runs again with every view', async () => {
        const io = captureIo(damaged());

        const code = await query(['select count(*) as n from playlists, no_such_table', '--lake', damaged()], io);

        expect(code).toBe(1);
        expect(io.stderr().split('\n').filter((line) => line.startsWith(warning))).toHaveLength(1);
        expect(io.stderr()).toContain('\nspotify-etl query: DuckDB could not run the query: Catalog Error: Table with name no_such_table does not exist');
      });
    });
  });

  it('ends a long query on Ctrl-C with exit status 130 and one line', async () => {
    // Prepare: a query of some nine billion rows
    const io = captureIo(lake());
    // Act
    const exit = query(['select count(*) as n from range(3000000) a, range(3000) b where a.range + b.range = 7', '--lake', lake()], io);
    await new Promise((resolve) => setTimeout(resolve, 500));
    io.stop();
    // Assess
    expect(await exit).toBe(130);
    expect(io.stderr()).toBe('spotify-etl query: stopped\n');
  });

  const damagedParquet = tempFolderForSuite('spotify-etl-query-parquet-');
  it('says in two lines which file is damaged and which date to rerun, without the generated SQL DuckDB quotes', async () => {
    // Prepare
    const damaged = damagedParquet();
    cpSync(lake(), damaged, { recursive: true });
    const songs = filesUnder(join(damaged, 'curated', 'songs')).find((file) => file.endsWith('.parquet')) ?? '';
    writeFileSync(songs, 'cut short');
    const io = captureIo(lake());
    // Act
    const code = await query(['select count(*) as n from songs', '--lake', damaged], io);
    // Assess
    expect(code).toBe(1);
    const [named, advice, ...rest] = io.stderr().split('\n');
    expect(named).toContain(songs);
    expect(advice).toBe(`The lake's file of 2026-11-20 is damaged: rebuild 2026-11-20 from its raw snapshots to rewrite it (npx spotify-etl run --from 2026-11-20 --to 2026-11-20 --lake ${damaged}).`);
    expect(rest).toEqual(['']);
  });

  const lostFile = tempFolderForSuite('spotify-etl-query-lost-');
  it('says which date lost its rows when a published Parquet file is gone, and answers with the rest', async () => {
    // Prepare
    cpSync(lake(), lostFile(), { recursive: true });
    const songs = filesUnder(join(lostFile(), 'curated', 'songs')).find((file) => file.endsWith('.parquet')) ?? '';
    rmSync(songs);
    const io = captureIo(lake());
    // Act
    const code = await query(['select count(*) as n from songs', '--json', '--lake', lostFile()], io);
    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(io.stdout())).toEqual([{ n: 0 }]);
    expect(io.stderr()).toMatch(new RegExp(`^spotify-etl query: 2026-11-20 published \\d+ songs rows that the lake no longer holds readable \\(${escape(dirname(songs))}\\): rebuild 2026-11-20 from its raw snapshots \\(spotify-etl run --from 2026-11-20 --to 2026-11-20\\) to rewrite them\\.\\n$`));
  });

  it('answers every query that README.md and docs/ show, on the lake of a real run', async () => {
    const examples = documentedQueries();
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const { file, sql } of examples) {
      const io = captureIo(lake());

      const code = await query([sql, '--json', '--lake', lake()], io);

      expect(io.stderr(), `${file}: ${sql}`).toBe('');
      expect(code).toBe(0);
      // An example with a placeholder (`'<playlist id>'`) runs, but matches nothing on this lake.
      if (!/'<[^']+>'/.test(sql)) expect(JSON.parse(io.stdout()), `${file}: ${sql}`).not.toHaveLength(0);
    }
  });

  it('prints a query plan over many lines, as DuckDB draws it', async () => {
    const io = captureIo(lake());

    const code = await query(['explain select count(*) from songs', '--lake', lake()], io);

    expect(code).toBe(0);
    expect(io.stdout().split('\n').length).toBeGreaterThan(5);
    expect(io.stdout()).toMatch(/^┌─+┐$/m);
    expect(io.stdout()).not.toContain('\\n');
  });

  it('formats no rows as such', () => {
    expect(formatRows([])).toBe('(no rows)\n');
  });

  it('formats 200,000 rows as a table, aligned to the widest value', () => {
    const rows = Array.from({ length: 200_000 }, (_, n) => ({ n }));

    const lines = formatRows(rows).split('\n');

    expect(lines.slice(0, 3)).toEqual(['n', '------', '0']);
    expect(lines.at(-2)).toBe('199999');
  });
});

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every file below `folder`, as absolute paths. */
const filesUnder = (folder: string): string[] =>
  readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => join(folder, name))
    .filter((path) => statSync(path).isFile());

/** Every file below `folder` with a hash of its content, to see that nothing was written. */
const snapshot = (folder: string): string[] =>
  filesUnder(folder).map((path) => `${relative(folder, path)} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`).sort();

const repository = fileURLToPath(new URL('../../', import.meta.url));

/** The SQL queries README.md and docs/*.md show: ```sql blocks that read, and `spotify-etl query "…"` lines. */
const documentedQueries = (): { file: string; sql: string }[] => {
  const docs = ['README.md', ...readdirSync(join(repository, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
  return docs.flatMap((file) => {
    const text = readFileSync(join(repository, file), 'utf8');
    const blocks = [...text.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
    const commands = [...text.matchAll(/spotify-etl query "([^"<]+)"/g)].map((match) => match[1] ?? '');
    return [...blocks, ...commands]
      .filter((sql) => /^\s*(select|with|from|describe|show|summarize|explain|values|table)\b/i.test(sql))
      .map((sql) => ({ file, sql }));
  });
};
