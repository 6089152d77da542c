import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/command';
import { query } from '../../cli/commands/query';
import { createRun } from '../../cli/commands/run';
import { formatRows } from '../../cli/local/summary';
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

  it('fails without exactly one SQL statement as a usage error', async () => {
    await expect(query(['--lake', lake()], captureIo(lake()))).rejects.toThrow(UsageError);
  });

  it('formats no rows as such', () => {
    expect(formatRows([])).toBe('(no rows)\n');
  });
});
