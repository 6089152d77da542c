import { existsSync } from 'node:fs';
import { mkdir, readdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOptions, UsageError } from '../../cli/command';
import { lakeProblem } from '../../cli/local/lake-folder';
import { main } from '../../cli/main';
import { captureIo } from '../support/cli-io';
import { tempFolderForSuite } from '../support/temp-folders';

const errno = (code: string, path: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: failed, '${path}'`), { code, path });

describe('spotify-etl --help', () => {
  it.each([
    [['--help'], 'usage: spotify-etl <command>'],
    [['-h'], 'usage: spotify-etl <command>'],
    [['run', '--help'], 'usage: spotify-etl run'],
    [['run', '--date', '2026-11-20', '-h'], 'usage: spotify-etl run'],
    [['query', '--help'], 'usage: spotify-etl query'],
    [['report', '--help'], 'usage: spotify-etl report'],
    [['emulator', '--help'], 'usage: spotify-etl emulator'],
    [['auth', 'login', '--help'], 'usage: spotify-etl auth login'],
    [['auth', '--help'], 'usage: spotify-etl auth login'],
    [['snowflake', 'ddl', '--help'], 'usage: spotify-etl snowflake ddl'],
    [['snowflake', '--help'], 'usage: spotify-etl snowflake ddl'],
    [['remote', '--help'], 'spotify-etl remote redrive'],
    [['remote', 'start', '--help'], 'spotify-etl remote start --date D'],
    [['remote', 'backfill', '--help'], 'spotify-etl remote backfill --from D --to D'],
    [['remote', 'redrive', '--help'], 'spotify-etl remote redrive <execution name or ARN>'],
    [['remote', 'status', '--help'], 'spotify-etl remote status'],
    [['remote', 'list', '--help'], 'spotify-etl remote list'],
  ])('%j prints the usage on stdout and exits 0', async (argv, usage) => {
    // Prepare
    const io = captureIo(process.cwd());
    // Act
    const code = await main(argv, io);
    // Assess
    expect(code).toBe(0);
    expect(io.stdout()).toContain(usage);
    expect(io.stderr()).toBe('');
  });

  it('lists only the asked sub-command of remote', async () => {
    const io = captureIo(process.cwd());

    await main(['remote', 'list', '--help'], io);

    expect(io.stdout()).not.toContain('remote start');
  });
});

describe('a usage mistake', () => {
  const work = tempFolderForSuite('spotify-etl-usage-');

  /** Runs the command line in `work()` with its lake there, and what the user would see. */
  const attempt = async (argv: string[]) => {
    const io = captureIo(work());
    const code = await main(argv, io);
    return { code, stderr: io.stderr(), stdout: io.stdout(), lines: io.stderr().trimEnd().split('\n') };
  };

  const expectOneLineAndHelp = (seen: { code: number; lines: string[]; stderr: string }, words: string, message: string | RegExp) => {
    expect(seen.code).toBe(2);
    expect(seen.lines).toHaveLength(2);
    expect(seen.lines[0]).toMatch(typeof message === 'string' ? new RegExp(`^spotify-etl ${words}: .*${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) : message);
    expect(seen.lines[1]).toBe(`Run \`spotify-etl ${words} --help\` for its options.`);
    expect(seen.stderr).not.toMatch(/^\s+at /m);
  };

  it.each([
    [['run', '--date', '2026-11-01', '--date', '2026-11-02'], 'run', '--date is given twice ("2026-11-01" and "2026-11-02") but takes one value: give it once'],
    [['run', '--json', '--json'], 'run', '--json is given twice: give it once'],
    [['run', '--from', '2026-11-01'], 'run', '--from 2026-11-01 needs --to too'],
    [['run', '--to', '2026-11-21'], 'run', '--to 2026-11-21 needs --from too'],
    [['run', '--seed', '-1'], 'run', '--seed must be a whole number from 0 to 2147483647, got "-1"'],
    [['run', '--seed', '7.5'], 'run', '--seed must be a whole number from 0 to 2147483647, got "7.5"'],
    [['run', '--faults', '429=0x1'], 'run', '--faults: the probability of 429 must be a decimal from 0 to 1, got "0x1"'],
    [['run', '--faults', '429=-0.1'], 'run', '--faults: the probability of 429 must be a decimal from 0 to 1, got "-0.1"'],
    [['run', '--source', 'spotify'], 'run', '--source spotify needs --playlists'],
    [['run', '--playlists', ','], 'run', '--playlists "," names no playlist'],
    [['run', '--playlists', 'not-an-id', '--date', '2026-11-01'], 'run', '--playlists: "not-an-id" is not a Spotify playlist id'],
    [['run', '--date', '2026-13-01'], 'run', '--date: "2026-13-01" is not a calendar date'],
    [['run', '--dates', '2026-11-01'], 'run', 'unknown option --dates; the options are --date, --from'],
    [['run', '--date'], 'run', '--date needs a value after it'],
    [['emulator', '--seed', '-3'], 'emulator', '--seed must be a whole number from 0 to 2147483647, got "-3"'],
    [['emulator', '--port', '1', '--port', '2'], 'emulator', '--port is given twice'],
    [['emulator', '--faults', '500=1e0'], 'emulator', 'the probability of 500 must be a decimal from 0 to 1, got "1e0"'],
    [['query', '--lake', 'a', '--lake', 'b', 'select 1'], 'query', '--lake is given twice'],
    [['remote', 'start', '--date', '2026-11-20', '--date', '2026-11-21'], 'remote start', '--date is given twice'],
    [['remote', 'launch'], 'remote', 'unknown remote sub-command "launch"; the sub-commands are start'],
  ])('%j is one line naming the option, the value and the rule, then one line pointing at --help', async (argv, words, message) => {
    // Act
    const seen = await attempt([...argv, ...(argv[0] === 'run' ? ['--lake', join(work(), 'lake')] : [])]);
    // Assess
    expectOneLineAndHelp(seen, words, message);
    expect(existsSync(join(work(), 'lake', 'curated'))).toBe(false);
  });

  it.each([
    [['run', '--lake', 's3://lake'], 'run', '--lake s3://lake'],
    [['query', '--lake', 's3://lake', 'select 1'], 'query', '--lake s3://lake'],
    [['report', '--lake', 'S3://lake'], 'report', '--lake S3://lake'],
    [['report', '--out', 's3://lake/r.html'], 'report', '--out s3://lake/r.html'],
    [['run', '--fixtures', 's3://lake/fixtures'], 'run', '--fixtures s3://lake/fixtures'],
    [['emulator', '--fixtures', 'https://example.com/fixtures'], 'emulator', '--fixtures https://example.com/fixtures'],
  ])('%j is refused as a URL, with nothing written under the working folder (it was taken as the folder ./s3:/lake)', async (argv, words, given) => {
    // Act
    const seen = await attempt(argv);
    // Assess
    expectOneLineAndHelp(seen, words, `${given} is a URL, and this command works on this machine's files`);
    expect(existsSync(join(work(), 's3:'))).toBe(false);
    expect(existsSync(join(work(), 'S3:'))).toBe(false);
  });

  it('names the file over the size limit when a fixtures folder holds a 600 MB file', async () => {
    // Prepare: a sparse file, so the test writes no 600 MB
    const fixtures = join(work(), 'huge-fixtures');
    await mkdir(fixtures, { recursive: true });
    await writeFile(join(fixtures, 'everything.json'), '');
    await truncate(join(fixtures, 'everything.json'), 600 * 2 ** 20);
    // Act
    const seen = await attempt(['run', '--fixtures', fixtures, '--lake', join(work(), 'huge-lake')]);
    // Assess
    expectOneLineAndHelp(seen, 'run', `--fixtures: ${join(fixtures, 'everything.json')} is 600 MiB, over the 64 MiB limit of a recorded Spotify response`);
    expect(await readdir(join(work(), 'huge-lake'))).not.toContain('curated');
  });

  it('without a command gives one line and where the help is, and exit 2', async () => {
    const seen = await attempt([]);

    expect(seen.code).toBe(2);
    expect(seen.lines).toEqual(['spotify-etl: give a command: run, query, report, emulator, auth login, remote or snowflake ddl', 'Run `spotify-etl --help` for what each does.']);
  });

  it.each([
    [['auth'], 'auth', '"auth" is not a command; the auth command is `spotify-etl auth login`'],
    [['auth', 'logout'], 'auth', '"auth logout" is not a command; the auth command is `spotify-etl auth login`'],
    [['snowflake'], 'snowflake', '"snowflake" is not a command; the snowflake command is `spotify-etl snowflake ddl`'],
    [['snowflake', 'dll'], 'snowflake', '"snowflake dll" is not a command; the snowflake command is `spotify-etl snowflake ddl`'],
  ])('with a group of one command but not the command, %j names the command', async (argv, words, message) => {
    expectOneLineAndHelp(await attempt(argv), words, message);
  });

  it('with an unknown command names it', async () => {
    const seen = await attempt(['rnu']);

    expect(seen.code).toBe(2);
    expect(seen.lines[0]).toBe('spotify-etl: unknown command "rnu"; the commands are run, query, report, emulator, auth login, remote and snowflake ddl');
    expect(seen.lines).toHaveLength(2);
  });

  it('takes a negative number as the value it is, for the option to refuse, not as a forgotten value', () => {
    expect(() => parseOptions(['--seed', '-1'], { seed: { type: 'string' } })).not.toThrow();
    expect(parseOptions(['--seed', '-1'], { seed: { type: 'string' } }).values.seed).toBe('-1');
    expect(() => parseOptions(['--seed', '--json'], { seed: { type: 'string' }, json: { type: 'boolean' } })).toThrow(UsageError);
  });
});

describe('a --lake that cannot hold a lake', () => {
  const work = tempFolderForSuite('spotify-etl-bad-lake-');

  const attempt = async (lake: string) => {
    const io = captureIo(work());
    const code = await main(['run', '--lake', lake], io);
    return { code, lines: io.stderr().trimEnd().split('\n'), stderr: io.stderr() };
  };

  it('is one line when --lake is a file', async () => {
    // Prepare
    await writeFile(join(work(), 'a-file'), 'not a folder');
    // Act
    const seen = await attempt('a-file');
    // Assess
    expect(seen.code).toBe(1);
    expect(seen.lines).toEqual([`spotify-etl run: --lake ${join(work(), 'a-file')} is a file, not a folder; point --lake at a folder (it is created if missing)`]);
  });

  it('is one line naming the file when --lake is below a file', async () => {
    // Prepare
    await writeFile(join(work(), 'another-file'), 'not a folder');
    // Act
    const seen = await attempt('another-file/lake');
    // Assess
    expect(seen.code).toBe(1);
    expect(seen.lines).toEqual([
      `spotify-etl run: --lake ${join(work(), 'another-file', 'lake')}: ${join(work(), 'another-file')} is a file, so no folder can be made below it; point --lake elsewhere`,
    ]);
  });

  it('is one line from auth login too, before the consent is asked for', async () => {
    // Prepare
    await writeFile(join(work(), 'third-file'), 'not a folder');
    const io = captureIo(work(), { SPOTIFY_CLIENT_ID: 'id', SPOTIFY_CLIENT_SECRET: 'secret', SPOTIFY_ACCOUNTS_BASE_URL: 'http://127.0.0.1:9' });
    // Act
    const code = await main(['auth', 'login', '--port', '0', '--lake', 'third-file'], io);
    // Assess
    expect(code).toBe(1);
    expect(io.stderr()).toBe(`spotify-etl auth login: --lake ${join(work(), 'third-file')} is a file, not a folder; point --lake at a folder (it is created if missing)\n`);
  });

  // root writes through any mode bits: there the read-only case is proved by the error mapping below.
  it.skipIf(process.getuid?.() === 0)('is one line when --lake is in a read-only folder, and leaves nothing there', async () => {
    // Prepare
    const readOnly = join(work(), 'read-only');
    await mkdir(readOnly, { mode: 0o555 });
    // Act
    const seen = await attempt('read-only/lake');
    // Assess
    expect(seen.code).toBe(1);
    expect(seen.lines).toHaveLength(1);
    expect(seen.lines[0]).toMatch(/^spotify-etl run: --lake .*read-only\/lake: permission denied at .*; point --lake at a folder you may write/);
    expect(await readdir(readOnly)).toEqual([]);
  });

  it.each([
    ['EACCES', 'permission denied at /data/lake/raw; point --lake at a folder you may write, or change its permissions'],
    ['EPERM', 'permission denied at /data/lake/raw'],
    ['EROFS', 'is on a read-only file system; point --lake at a writable folder'],
    ['ENOSPC', 'no space left on its device (ENOSPC); free some space or point --lake at another disk'],
    ['EDQUOT', 'no space left on its device (EDQUOT)'],
  ])('says %s as one line naming the lake', async (code, reason) => {
    const line = await lakeProblem('/data/lake', errno(code, '/data/lake/raw'));

    expect(line).toContain('--lake /data/lake');
    expect(line).toContain(reason);
    expect(line).not.toContain('\n');
  });

  it('leaves any other error to be a bug, with its stack trace', async () => {
    expect(await lakeProblem('/data/lake', new TypeError('x is undefined'))).toBeUndefined();
  });
});
