import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { captureIo } from '../support/cli-io';

const golden = readFileSync(new URL('../fixtures/snowflake/ddl.sql', import.meta.url), 'utf8');
const deployment = ['--bucket', 'spotify-etl-lake-example', '--role-arn', 'arn:aws:iam::123456789012:role/spotify-etl-snowflake'];

describe('spotify-etl snowflake ddl', () => {
  it('prints the Snowflake SQL for the given bucket and role on stdout and nothing on stderr', async () => {
    const io = captureIo(process.cwd());

    const code = await main(['snowflake', 'ddl', ...deployment], io);

    expect(code).toBe(0);
    expect(io.stdout()).toBe(golden);
    expect(io.stderr()).toBe('');
  });

  it('names the database and schema as given, upper-cased as Snowflake stores unquoted names', async () => {
    const io = captureIo(process.cwd());

    await main(['snowflake', 'ddl', ...deployment, '--database', 'analytics', '--schema', 'spotify'], io);

    expect(io.stdout()).toContain('CREATE PIPE IF NOT EXISTS ANALYTICS.SPOTIFY.STAGED_SONGS_PIPE');
    expect(io.stdout()).not.toContain('SPOTIFY_ETL.LAKE');
  });

  it('says on stderr which placeholders the SQL holds when the bucket and role are not given', async () => {
    const io = captureIo(process.cwd());

    const code = await main(['snowflake', 'ddl'], io);

    expect(code).toBe(0);
    expect(io.stdout()).toContain("URL = 's3://<lake-bucket>/curated/'");
    expect(io.stderr()).toBe('spotify-etl snowflake ddl: without --bucket and --role-arn the SQL holds placeholders in <angle brackets>; replace them before running it\n');
  });

  it('refuses a name Snowflake would need quoted, in one line naming the option, the value and the rule', async () => {
    const io = captureIo(process.cwd());

    const code = await main(['snowflake', 'ddl', '--schema', 'my-schema'], io);

    expect(code).toBe(2);
    expect(io.stdout()).toBe('');
    expect(io.stderr().split('\n')[0]).toBe('spotify-etl snowflake ddl: --schema "my-schema" must be a Snowflake name: a letter or _, then letters, digits or _');
  });

  it('explains its options with --help', async () => {
    const io = captureIo(process.cwd());

    const code = await main(['snowflake', 'ddl', '--help'], io);

    expect(code).toBe(0);
    expect(io.stdout()).toMatch(/^usage: spotify-etl snowflake ddl \[--bucket NAME\] \[--database NAME\] \[--schema NAME\] \[--role-arn ARN\]\n/);
    expect(io.stdout()).toContain('docs/snowflake.md');
  });
});
