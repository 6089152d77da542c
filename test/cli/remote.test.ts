import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  ExecutionNotRedrivable,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { S3BlobStore } from '../../adapters/aws/s3-blob-store';
import { buildAttempt, withAttempt, type RunStatus } from '../../core/lake/manifest';
import { writeManifest } from '../../core/manifests';
import { startS3rver, type RunningS3rver } from '../adapters/aws/s3rver';
import { UsageError } from '../../cli/command';
import { createRemote } from '../../cli/commands/remote';
import { main } from '../../cli/main';
import { captureIo } from '../support/cli-io';
import { tempFolder } from '../support/temp-folders';

const machineArn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:spotify-etl';
const executionArn = (name: string): string => `arn:aws:states:eu-west-1:123456789012:execution:spotify-etl:${name}`;
const playlist = '3cEYpjA9oz9GiPac4AsH4n';
const otherPlaylist = '37i9dQZF1DZ06evO25rXbO';

const sfn = mockClient(SFNClient);
const regions: string[] = [];
/** The lake bucket `remote status --bucket` reads: s3rver, started by the test that needs it. */
let s3rver: RunningS3rver | undefined;
/** The client `remote` reaches s3rver with; a test may give other credentials or another endpoint. */
let s3ClientOf = (server: RunningS3rver): S3Client => server.client();
const remote = createRemote({
  sfn: (region) => {
    regions.push(region);
    return new SFNClient({ region });
  },
  lake: (_region, bucket) => {
    if (s3rver === undefined) throw new Error('this test did not start s3rver');
    return new S3BlobStore(s3ClientOf(s3rver), bucket);
  },
  s3: () => {
    if (s3rver === undefined) throw new Error('this test did not start s3rver');
    return s3ClientOf(s3rver);
  },
  clock: { now: () => new Date('2026-11-21T09:30:00Z') },
});

/** A command-line IO whose output is kept, with the machine's ARN in the environment. */
const cli = (env: Record<string, string> = { SPOTIFY_ETL_STATE_MACHINE_ARN: machineArn }) => captureIo(process.cwd(), env);

const notFound = (): ExecutionDoesNotExist => new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} });
const startInputs = () => sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);

describe('spotify-etl remote', () => {
  beforeEach(() => {
    sfn.reset();
    regions.length = 0;
    s3ClientOf = (server) => server.client();
  });

  describe('start', () => {
    it('starts a manual execution named after the date, with the input of DESIGN §1, in the machine\'s region', async () => {
      // Prepare
      sfn.on(DescribeExecutionCommand).rejects(notFound());
      sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn('manual-2026-11-20'), startDate: new Date('2026-11-21T09:30:01Z') });
      const io = cli();
      // Act
      const status = await remote(['start', '--date', '2026-11-20'], io);
      // Assess
      expect(status).toBe(0);
      expect(startInputs()).toEqual([{ stateMachineArn: machineArn, name: 'manual-2026-11-20', input: '{"mode":"manual","date":"2026-11-20"}' }]);
      expect(sfn.commandCalls(DescribeExecutionCommand)[0]?.args[0].input).toEqual({ executionArn: executionArn('manual-2026-11-20') });
      expect(regions).toEqual(['eu-west-1']);
      expect(io.stdout()).toContain(`started manual-2026-11-20 for 2026-11-20`);
      expect(io.stdout()).toContain(executionArn('manual-2026-11-20'));
    });

    it('passes the playlists and the suffix, and prints JSON when asked', async () => {
      // Prepare
      sfn.on(DescribeExecutionCommand).rejects(notFound());
      sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn('manual-2026-11-20-rerun2'), startDate: new Date('2026-11-21T09:30:01Z') });
      const io = cli({});
      // Act
      const status = await remote(
        ['start', '--date', '2026-11-20', '--playlists', `${playlist}, ${playlist}`, '--suffix', 'rerun2', '--state-machine-arn', machineArn, '--json'],
        io,
      );
      // Assess
      expect(status).toBe(0);
      expect(startInputs()[0]).toMatchObject({ name: 'manual-2026-11-20-rerun2' });
      expect(JSON.parse(startInputs()[0]?.input ?? '')).toEqual({ mode: 'manual', date: '2026-11-20', playlists: [playlist, playlist] });
      expect(JSON.parse(io.stdout())).toEqual({
        name: 'manual-2026-11-20-rerun2',
        executionArn: executionArn('manual-2026-11-20-rerun2'),
        startDate: '2026-11-21T09:30:01.000Z',
        input: { mode: 'manual', date: '2026-11-20', playlists: [playlist, playlist] },
      });
    });

    it('reads the playlists from the file named by --playlists @FILE, one per line', async () => {
      // Prepare: a list too long for one argument would be kept this way
      sfn.on(DescribeExecutionCommand).rejects(notFound());
      sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn('backfill-2026-11-01-2026-11-02'), startDate: new Date('2026-11-21T09:30:01Z') });
      const folder = await tempFolder('spotify-etl-remote-ids-');
      await writeFile(join(folder, 'ids.txt'), `${playlist}\n${otherPlaylist}\n`);
      const io = captureIo(folder, { SPOTIFY_ETL_STATE_MACHINE_ARN: machineArn });
      // Act
      const status = await remote(['backfill', '--from', '2026-11-01', '--to', '2026-11-02', '--playlists', '@ids.txt'], io);
      // Assess
      expect(status).toBe(0);
      expect(JSON.parse(startInputs()[0]?.input ?? '')).toEqual({ mode: 'backfill', from: '2026-11-01', to: '2026-11-02', playlists: [playlist, otherPlaylist] });
    });

    it('prints a long playlist list cut short in the input line, and whole with --json', async () => {
      // Prepare: 100 ids, one per line
      sfn.on(DescribeExecutionCommand).rejects(notFound());
      sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn('manual-2026-11-20'), startDate: new Date('2026-11-21T09:30:01Z') });
      const folder = await tempFolder('spotify-etl-remote-ids-');
      const ids = Array.from({ length: 100 }, (_, index) => `${String(index).padStart(2, '0')}${playlist.slice(2)}`);
      await writeFile(join(folder, 'ids.txt'), `${ids.join('\n')}\n`);
      const [text, json] = [captureIo(folder, { SPOTIFY_ETL_STATE_MACHINE_ARN: machineArn }), captureIo(folder, { SPOTIFY_ETL_STATE_MACHINE_ARN: machineArn })];
      // Act
      await remote(['start', '--date', '2026-11-20', '--playlists', '@ids.txt'], text);
      await remote(['start', '--date', '2026-11-20', '--playlists', '@ids.txt', '--json'], json);
      // Assess
      expect(text.stdout()).toContain(`input      {"mode":"manual","date":"2026-11-20","playlists":[${ids.slice(0, 5).map((id) => `"${id}"`).join(',')},"… and 95 more"]}\n`);
      expect((JSON.parse(json.stdout()) as { input: { playlists: string[] } }).input.playlists).toEqual(ids);
    });

    it('fails with a clear message, and starts nothing, when an execution for the date already exists', async () => {
      // Prepare
      sfn.on(DescribeExecutionCommand).resolves({ executionArn: executionArn('manual-2026-11-20'), status: 'SUCCEEDED' });
      const io = cli();
      // Act
      const status = await remote(['start', '--date', '2026-11-20'], io);
      // Assess
      expect(status).toBe(1);
      expect(io.stderr()).toBe(
        `spotify-etl remote start: an execution for 2026-11-20 already exists: ${executionArn('manual-2026-11-20')}; ` +
          'use `--suffix` for a second run (or `remote redrive manual-2026-11-20` if it was stopped)\n',
      );
      expect(startInputs()).toEqual([]);
    });

    it('fails with the same message when another start wins the race for the name', async () => {
      // Prepare
      sfn.on(DescribeExecutionCommand).rejects(notFound());
      sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
      const io = cli();
      // Act
      const status = await remote(['start', '--date', '2026-11-20'], io);
      // Assess
      expect(status).toBe(1);
      expect(io.stderr()).toContain('an execution for 2026-11-20 already exists');
    });

    it.each([
      [['start'], '--date is required'],
      [['start', '--date', '2026-02-30'], '--date: "2026-02-30" is not a calendar date'],
      [['start', '--date', '2026-11-22'], '--date: "2026-11-22" is in the future (today is 2026-11-21 UTC)'],
      [['start', '--date', '2026-11-20', '--playlists', 'not-an-id'], '--playlists: "not-an-id" is not a Spotify playlist id'],
      [['start', '--date', '2026-11-20', '--playlists', ''], '--playlists "" is empty: leave it out to use the configured list, or name at least one playlist id'],
      [['start', '--date', '2026-11-20', '--suffix', 'has space'], '--suffix "has space" may hold only letters'],
      [['start', '--from', '2026-11-01', '--to', '2026-11-02'], 'for a range use `remote backfill'],
      [['start', '--date', '2026-11-20', '--bogus'], 'unknown option --bogus'],
    ])('fails on %j as a usage error saying %j, before calling AWS', async (args, message) => {
      // Prepare
      const io = cli();
      // Act / Assess
      await expect(remote(args, io)).rejects.toThrow(UsageError);
      await expect(remote(args, io)).rejects.toThrow(message);
      expect(sfn.calls()).toHaveLength(0);
    });

    it('fails as a usage error naming the option and variable when no state machine is given', async () => {
      // Prepare
      const io = cli({});
      // Act / Assess
      await expect(remote(['start', '--date', '2026-11-20'], io)).rejects.toThrow(/--state-machine-arn ARN or set SPOTIFY_ETL_STATE_MACHINE_ARN/);
    });

    it('fails as a usage error when the state machine ARN is malformed', async () => {
      // Prepare
      const io = cli({ SPOTIFY_ETL_STATE_MACHINE_ARN: 'spotify-etl' });
      // Act / Assess
      await expect(remote(['list'], io)).rejects.toThrow('"spotify-etl" is not a state machine ARN');
    });

    it('fails with one line, not a stack trace, when the state machine does not exist', async () => {
      // Prepare
      sfn.on(DescribeExecutionCommand).rejects(notFound());
      sfn.on(StartExecutionCommand).rejects(new StateMachineDoesNotExist({ message: `State Machine Does Not Exist: '${machineArn}'`, $metadata: {} }));
      const io = cli();
      // Act
      const status = await remote(['start', '--date', '2026-11-20'], io);
      // Assess
      expect(status).toBe(1);
      expect(io.stderr()).toMatch(/^spotify-etl remote start: the state machine does not exist \(.*\); check --state-machine-arn/);
      expect(io.stderr().split('\n')).toHaveLength(2);
    });
  });

  describe('backfill', () => {
    it('starts a backfill named after its range with the backfill input', async () => {
      // Prepare
      sfn.on(DescribeExecutionCommand).rejects(notFound());
      sfn.on(StartExecutionCommand).resolves({ executionArn: executionArn('backfill-2026-10-01--2026-10-31'), startDate: new Date() });
      const io = cli();
      // Act
      const status = await remote(['backfill', '--from', '2026-10-01', '--to', '2026-10-31'], io);
      // Assess
      expect(status).toBe(0);
      expect(startInputs()).toEqual([
        { stateMachineArn: machineArn, name: 'backfill-2026-10-01--2026-10-31', input: '{"mode":"backfill","from":"2026-10-01","to":"2026-10-31"}' },
      ]);
      expect(io.stdout()).toContain('for 2026-10-01..2026-10-31');
    });

    it('fails as a usage error when the range is backwards', async () => {
      // Prepare
      const io = cli();
      // Act / Assess
      await expect(remote(['backfill', '--from', '2026-10-31', '--to', '2026-10-01'], io)).rejects.toThrow('--from: "2026-10-31" is after --to: "2026-10-01"');
    });

    it('fails with the range in the message when the backfill already exists', async () => {
      // Prepare
      sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
      const io = cli();
      // Act
      const status = await remote(['backfill', '--from', '2026-10-01', '--to', '2026-10-31'], io);
      // Assess
      expect(status).toBe(1);
      expect(io.stderr()).toContain(`an execution for 2026-10-01..2026-10-31 already exists: ${executionArn('backfill-2026-10-01--2026-10-31')}`);
    });
  });

  describe('redrive', () => {
    it('redrives an execution given by name', async () => {
      // Prepare
      sfn.on(DescribeExecutionCommand).resolves({ status: 'ABORTED' });
      sfn.on(RedriveExecutionCommand).resolves({ redriveDate: new Date('2026-11-21T10:00:00Z') });
      const io = cli();
      // Act
      const status = await remote(['redrive', 'manual-2026-11-20'], io);
      // Assess
      expect(status).toBe(0);
      expect(sfn.commandCalls(RedriveExecutionCommand)[0]?.args[0].input).toEqual({ executionArn: executionArn('manual-2026-11-20') });
      expect(io.stdout()).toContain('resumes from the state that failed');
    });

    it('redrives an execution given by ARN as it is', async () => {
      // Prepare
      sfn.on(RedriveExecutionCommand).resolves({ redriveDate: new Date() });
      const arn = 'arn:aws:states:eu-west-1:123456789012:execution:spotify-etl:3f1c0e6e-scheduled';
      // Act
      await remote(['redrive', arn], cli());
      // Assess
      expect(sfn.commandCalls(RedriveExecutionCommand)[0]?.args[0].input).toEqual({ executionArn: arn });
    });

    it('refuses a run that failed for want of its report, saying its dates are published and how to write it again', async () => {
      // Prepare
      sfn.on(DescribeExecutionCommand).resolves({
        status: 'FAILED',
        error: 'ReportNotWrittenError',
        cause: 'TABLE_NOT_FOUND',
        input: '{"mode":"manual","date":"2026-11-20"}',
      });
      const io = cli();
      // Act
      const status = await remote(['redrive', 'manual-2026-11-20'], io);
      // Assess
      expect(status).toBe(1);
      expect(sfn.commandCalls(RedriveExecutionCommand)).toHaveLength(0);
      expect(io.stderr()).toBe(
        `spotify-etl remote redrive: ${executionArn('manual-2026-11-20')} published its dates but could not write the report (TABLE_NOT_FOUND); ` +
          'a redrive would resume at ReportFailed and fail again. The next run writes the report, or run its dates again with `spotify-etl remote start --date 2026-11-20 --suffix rerun1`\n',
      );
    });

    it('fails saying what can be redriven when the execution succeeded', async () => {
      // Prepare
      sfn.on(RedriveExecutionCommand).rejects(new ExecutionNotRedrivable({ message: 'Execution is SUCCEEDED', $metadata: {} }));
      const io = cli();
      // Act
      const status = await remote(['redrive', 'manual-2026-11-20'], io);
      // Assess
      expect(status).toBe(1);
      expect(io.stderr()).toContain('cannot be redriven (Execution is SUCCEEDED); only a FAILED, TIMED_OUT or ABORTED execution');
    });

    it('redrives an execution that failed with an error no Catch takes, from where it stopped', async () => {
      // Prepare
      sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'States.Runtime' });
      sfn.on(RedriveExecutionCommand).resolves({ redriveDate: new Date() });
      // Act
      const status = await remote(['redrive', 'manual-2026-11-20'], cli());
      // Assess
      expect(status).toBe(0);
      expect(sfn.commandCalls(RedriveExecutionCommand)).toHaveLength(1);
    });

    it.each([
      [{ mode: 'manual', date: '2026-11-20' }, 'spotify-etl remote start --date 2026-11-20 --suffix rerun1'],
      [{ mode: 'scheduled', scheduledTime: '2026-11-19T06:00:00Z' }, 'spotify-etl remote start --date 2026-11-19 --suffix rerun1'],
      [{ mode: 'backfill', from: '2026-10-01', to: '2026-10-31' }, 'spotify-etl remote backfill --from 2026-10-01 --to 2026-10-31 --suffix rerun1'],
      [{ mode: 'manual', date: '2026-11-20', playlists: [playlist, otherPlaylist] }, `spotify-etl remote start --date 2026-11-20 --playlists ${playlist},${otherPlaylist} --suffix rerun1`],
      [
        { mode: 'manual', date: '2026-11-20', playlists: Array.from({ length: 6 }, () => playlist) },
        '`spotify-etl remote start --date 2026-11-20 --playlists @ids.txt --suffix rerun1` (ids.txt: its 6 playlists, one per line, as `spotify-etl remote status manual-2026-11-20 --json` lists them)',
      ],
    ])('fails to redrive a failure the machine caught, and names the rerun for input %j', async (input, rerun) => {
      // Prepare
      sfn.on(DescribeExecutionCommand).resolves({ status: 'FAILED', error: 'SpotifyReauthRequiredError', input: JSON.stringify(input) });
      const io = cli();
      // Act
      const status = await remote(['redrive', 'manual-2026-11-20'], io);
      // Assess
      expect(status).toBe(1);
      expect(sfn.commandCalls(RedriveExecutionCommand)).toHaveLength(0);
      expect(io.stderr()).toContain('failed with SpotifyReauthRequiredError, which the machine caught');
      expect(io.stderr()).toContain(rerun);
    });

    it('fails as a usage error without an execution', async () => {
      // Act / Assess
      await expect(remote(['redrive'], cli())).rejects.toThrow('remote redrive takes one execution name or ARN');
    });
  });

  describe('status', () => {
    it('shows an execution\'s status, input, error and cause, and exits 1 when it failed', async () => {
      // Prepare
      sfn.on(DescribeExecutionCommand).resolves({
        executionArn: executionArn('manual-2026-11-20'),
        name: 'manual-2026-11-20',
        status: 'FAILED',
        startDate: new Date('2026-11-21T09:30:01Z'),
        stopDate: new Date('2026-11-21T09:31:00Z'),
        input: '{"mode":"manual","date":"2026-11-20"}',
        error: 'SpotifyThrottledError',
        cause: 'Spotify asked to wait 3600 s',
        redriveCount: 1,
      });
      const io = cli();
      // Act
      const status = await remote(['status', 'manual-2026-11-20'], io);
      // Assess
      expect(status).toBe(1);
      expect(io.stdout()).toContain('status     FAILED (redriven 1×)');
      expect(io.stdout()).toContain('input      {"mode":"manual","date":"2026-11-20"}');
      expect(io.stdout()).toContain('error      SpotifyThrottledError');
      expect(io.stdout()).toContain('cause      Spotify asked to wait 3600 s');
      expect(io.stdout()).toContain('https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/');
    });

    it("shows what each date of the execution published and its last attempt, from the manifests in the lake bucket", async () => {
      // Prepare
      s3rver = await startS3rver('spotify-etl-lake');
      onTestFinished(async () => {
        await s3rver?.close();
        s3rver = undefined;
      });
      const lake = new S3BlobStore(s3rver.client(), s3rver.bucket);
      const attempt = (executionName: string, status: RunStatus) =>
        buildAttempt({ executionName, status, mode: 'manual', extractedAt: null, updatedAt: '2026-11-21T09:31:00.000Z' });
      const published = { ...attempt('scheduled-2026-11-20', 'succeeded'), publishedAt: '2026-11-20T06:05:00.000Z' };
      await writeManifest(lake, withAttempt('2026-11-20', withAttempt('2026-11-20', undefined, published), { ...attempt('manual-2026-11-20', 'failed'), error: { name: 'ValidationFailedError', message: 'x' } }));
      sfn.on(DescribeExecutionCommand).resolves({ executionArn: executionArn('manual-2026-11-20'), name: 'manual-2026-11-20', status: 'FAILED', input: '{"mode":"manual","date":"2026-11-20"}' });
      const io = cli();
      // Act
      const status = await remote(['status', 'manual-2026-11-20', '--bucket', s3rver.bucket], io);
      const json = cli();
      await remote(['status', 'manual-2026-11-20', '--bucket', s3rver.bucket, '--json'], json);
      // Assess
      expect(status).toBe(1);
      expect(io.stdout()).toContain(
        'dates      2026-11-20: published scheduled-2026-11-20 at 2026-11-20T06:05:00.000Z; last attempt manual-2026-11-20 failed (ValidationFailedError)',
      );
      expect(JSON.parse(json.stdout())).toMatchObject({
        dates: [{ date: '2026-11-20', published: { executionName: 'scheduled-2026-11-20' }, lastAttempt: { executionName: 'manual-2026-11-20', status: 'failed' } }],
      });
    });

    it('says how to see what the dates published when no bucket is given', async () => {
      sfn.on(DescribeExecutionCommand).resolves({ executionArn: executionArn('m'), name: 'm', status: 'SUCCEEDED', input: '{"mode":"manual","date":"2026-11-20"}' });
      const io = cli();

      await remote(['status', 'm'], io);

      expect(io.stdout()).toContain('dates      pass --bucket <LakeBucketName output> (or set SPOTIFY_ETL_LAKE_BUCKET) to see what 2026-11-20 published');
    });

    it('shows the latest execution when none is named, as JSON when asked', async () => {
      // Prepare
      sfn.on(ListExecutionsCommand).resolves({ executions: [{ executionArn: executionArn('abc'), stateMachineArn: machineArn, name: 'abc', status: 'SUCCEEDED', startDate: new Date() }] });
      sfn.on(DescribeExecutionCommand, { executionArn: executionArn('abc') }).resolves({ executionArn: executionArn('abc'), name: 'abc', status: 'SUCCEEDED', input: '{"mode":"scheduled","scheduledTime":"2026-11-21T06:00:00Z"}' });
      const io = cli();
      // Act
      const status = await remote(['status', '--json'], io);
      // Assess
      expect(status).toBe(0);
      expect(sfn.commandCalls(ListExecutionsCommand)[0]?.args[0].input).toEqual({ stateMachineArn: machineArn, maxResults: 1 });
      expect(JSON.parse(io.stdout())).toMatchObject({ name: 'abc', status: 'SUCCEEDED', input: { mode: 'scheduled' } });
    });

    describe('with a lake bucket it cannot read', () => {
      const failed = { executionArn: executionArn('manual-2026-11-20'), name: 'manual-2026-11-20', status: 'SUCCEEDED' as const, input: '{"mode":"manual","date":"2026-11-20"}' };
      const withS3rver = async (): Promise<RunningS3rver> => {
        const server = await startS3rver('spotify-etl-lake');
        s3rver = server;
        onTestFinished(async () => {
          await server.close();
          s3rver = undefined;
        });
        sfn.on(DescribeExecutionCommand).resolves(failed);
        return server;
      };

      it.each([
        ['there is no such bucket', 'nosuchbucket', () => undefined, 'the bucket "nosuchbucket" does not exist (S3 answered NoSuchBucket for s3://nosuchbucket/runs/snapshot_date=2026-11-20/manifest.json)'],
        [
          'S3 refuses the credentials',
          'spotify-etl-lake',
          (server: RunningS3rver) => server.client(undefined, { accessKeyId: 'AKIAWRONGKEY0000', secretAccessKey: 'wrong' }),
          'S3 did not accept your AWS credentials reading s3://spotify-etl-lake/runs/snapshot_date=2026-11-20/manifest.json (InvalidAccessKeyId)',
        ],
        ['S3 does not answer', 'spotify-etl-lake', (server: RunningS3rver) => server.client('http://127.0.0.1:1'), 'could not reach S3 to read s3://spotify-etl-lake/runs/snapshot_date=2026-11-20/manifest.json (127.0.0.1:1: ECONNREFUSED)'],
      ])('says in one line, without a stack or a key id, when %s', async (_case, bucket, client, message) => {
        // Prepare
        const server = await withS3rver();
        const other = client(server);
        if (other !== undefined) s3ClientOf = () => other;
        const io = cli();
        // Act
        const status = await remote(['status', 'manual-2026-11-20', '--bucket', bucket], io);
        // Assess
        expect(status).toBe(1);
        expect(io.stderr().startsWith(`spotify-etl remote status: ${message}`)).toBe(true);
        expect(io.stderr().split('\n')).toHaveLength(2);
        expect(io.stderr()).not.toMatch(/AKIA| {4}at |the step will be retried|function's role/);
      });

      it('says a damaged manifest is damaged and names the backfill that rebuilds the date', async () => {
        // Prepare
        const server = await withS3rver();
        await new S3BlobStore(server.client(), server.bucket).put('runs/snapshot_date=2026-11-20/manifest.json', '{"version":2,');
        const io = cli();
        // Act
        await remote(['status', 'manual-2026-11-20', '--bucket', server.bucket], io);
        // Assess
        expect(io.stdout()).toContain('dates      2026-11-20: the manifest is damaged: ');
        expect(io.stdout()).toContain('; rebuild the date with `spotify-etl remote backfill --from 2026-11-20 --to 2026-11-20`\n');
      });

      it('refuses a bucket name S3 cannot have as a usage error', async () => {
        // Act / Assess
        await expect(remote(['status', 'manual-2026-11-20', '--bucket', 'a/b'], cli())).rejects.toThrow('--bucket "a/b" must be an S3 bucket name');
        expect(sfn.calls()).toHaveLength(0);
      });
    });

    it('links the console of the machine\'s partition', async () => {
      // Prepare
      const cn = 'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:spotify-etl';
      sfn.on(DescribeExecutionCommand).resolves({ name: 'm', status: 'SUCCEEDED' });
      const io = cli({ SPOTIFY_ETL_STATE_MACHINE_ARN: cn });
      // Act
      await remote(['status', 'm'], io);
      // Assess
      expect(io.stdout()).toContain('console    https://console.amazonaws.cn/states/home?region=cn-north-1#/v2/executions/details/arn:aws-cn:states:cn-north-1:');
    });

    it('fails with one line when the execution does not exist', async () => {
      // Prepare
      sfn.on(DescribeExecutionCommand).rejects(notFound());
      const io = cli();
      // Act
      const status = await remote(['status', 'manual-1999-01-01'], io);
      // Assess
      expect(status).toBe(1);
      expect(io.stderr()).toContain('no such execution');
    });
  });

  describe('list', () => {
    it('lists executions across pages up to --max, filtered by status', async () => {
      // Prepare
      const item = (name: string) => ({ executionArn: executionArn(name), stateMachineArn: machineArn, name, status: 'FAILED' as const, startDate: new Date('2026-11-21T06:00:00Z') });
      sfn
        .on(ListExecutionsCommand, { nextToken: undefined })
        .resolves({ executions: [item('a'), item('b')], nextToken: 't2' })
        .on(ListExecutionsCommand, { nextToken: 't2' })
        .resolves({ executions: [item('c')], nextToken: 't3' });
      const io = cli();
      // Act
      const status = await remote(['list', '--status', 'failed', '--max', '3'], io);
      // Assess
      expect(status).toBe(0);
      expect(sfn.commandCalls(ListExecutionsCommand).map((call) => call.args[0].input)).toEqual([
        { stateMachineArn: machineArn, statusFilter: 'FAILED', maxResults: 3, nextToken: undefined },
        { stateMachineArn: machineArn, statusFilter: 'FAILED', maxResults: 1, nextToken: 't2' },
      ]);
      expect(io.stdout().trim().split('\n').slice(1).map((line) => line.split(/\s+/)[0])).toEqual(['a', 'b', 'c']);
    });

    it.each([
      [['list', '--status', 'DONE'], '--status "DONE" is not one of RUNNING'],
      [['list', '--max', '0'], '--max "0" must be a whole number'],
    ])('fails on %j as a usage error', async (args, message) => {
      // Act / Assess
      await expect(remote(args, cli())).rejects.toThrow(message);
    });
  });

  describe('report', () => {
    const bucket = 'spotify-etl-lake';
    const withLake = async (reports: Record<string, string>): Promise<void> => {
      s3rver = await startS3rver(bucket);
      onTestFinished(async () => {
        await s3rver?.close();
        s3rver = undefined;
      });
      const store = new S3BlobStore(s3rver.client(), bucket);
      for (const [key, html] of Object.entries(reports)) await store.put(key, html);
    };
    const urlOf = (io: ReturnType<typeof cli>): string => io.stdout().trim().split('\n').at(-1) ?? '';

    it('prints a pre-signed URL of the latest report that serves its HTML over HTTP, valid for an hour by default', async () => {
      // Prepare
      await withLake({ 'reports/latest.html': '<!doctype html><h1>latest</h1>' });
      const io = cli();
      // Act
      const status = await remote(['report', '--bucket', bucket], io);
      // Assess
      expect(status).toBe(0);
      const url = new URL(urlOf(io));
      expect(url.pathname).toBe(`/${bucket}/reports/latest.html`);
      expect(url.searchParams.get('X-Amz-Expires')).toBe('3600');
      expect(io.stdout()).toContain('until 2026-11-21T10:30:00.000Z');
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toBe('<!doctype html><h1>latest</h1>');
    });

    it('signs the report kept for --date, for --expires seconds', async () => {
      // Prepare
      await withLake({ 'reports/snapshot_date=2026-11-20/index.html': '<h1>as of 2026-11-20</h1>' });
      const io = cli({ SPOTIFY_ETL_STATE_MACHINE_ARN: machineArn, SPOTIFY_ETL_LAKE_BUCKET: bucket });
      // Act
      const status = await remote(['report', '--date', '2026-11-20', '--expires', '600'], io);
      // Assess
      expect(status).toBe(0);
      const url = new URL(urlOf(io));
      expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
      expect(await (await fetch(url)).text()).toBe('<h1>as of 2026-11-20</h1>');
    });

    it('fails in one line naming the key and the backfill that rebuilds a past date when there is no report', async () => {
      // Prepare
      await withLake({});
      const io = cli();
      // Act
      const status = await remote(['report', '--bucket', bucket, '--date', '2026-11-19'], io);
      // Assess
      expect(status).toBe(1);
      expect(io.stdout()).toBe('');
      expect(io.stderr()).toBe(
        `spotify-etl remote report: no report at s3://${bucket}/reports/snapshot_date=2026-11-19/index.html: a run keeps one for the last date it published; ` +
          'rebuild 2026-11-19 with `spotify-etl remote backfill --from 2026-11-19 --to 2026-11-19`, or open the latest with `spotify-etl remote report`\n',
      );
    });

    it.each([
      [['report'], 'no lake bucket: pass --bucket NAME or set SPOTIFY_ETL_LAKE_BUCKET'],
      [['report', '--bucket', 'bucket', '--date', '20-11-2026'], '--date must be a date like 2026-11-20, got "20-11-2026"'],
      [['report', '--bucket', 'bucket', '--date', '2026-11-22'], '--date "2026-11-22" is in the future (today is 2026-11-21 UTC)'],
      [['report', '--bucket', 'Bad_Bucket!'], '--bucket "Bad_Bucket!" must be an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens)'],
      [['report', '--bucket', 'a/b'], '--bucket "a/b" must be an S3 bucket name'],
      [['report', '--bucket', 'bucket', '--expires', '604801'], '--expires "604801" must be a whole number of seconds from 1 to 604800 (7 days)'],
    ])('fails on %j as a usage error, before reading S3', async (args, message) => {
      // Act / Assess: no s3rver runs, so reading S3 would fail otherwise
      await expect(remote(args, cli())).rejects.toThrow(UsageError);
      await expect(remote(args, cli())).rejects.toThrow(message);
    });

    it('advises a run of today, not a backfill, when today has no report', async () => {
      // Prepare
      await withLake({});
      const io = cli();
      // Act
      const status = await remote(['report', '--bucket', bucket, '--date', '2026-11-21'], io);
      // Assess
      expect(status).toBe(1);
      expect(io.stderr()).toContain('run 2026-11-21 again with `spotify-etl remote start --date 2026-11-21 --suffix rerun1`');
    });

    it('says the bucket does not exist, not that the report is missing, when there is no such bucket', async () => {
      // Prepare
      await withLake({ 'reports/latest.html': '<h1>latest</h1>' });
      const io = cli();
      // Act
      const status = await remote(['report', '--bucket', 'nosuchbucket'], io);
      // Assess
      expect(status).toBe(1);
      expect(io.stderr()).toBe(
        'spotify-etl remote report: the bucket "nosuchbucket" does not exist (S3 answered NoSuchBucket for s3://nosuchbucket/reports/latest.html); ' +
          "pass the stack's LakeBucketName output as --bucket or SPOTIFY_ETL_LAKE_BUCKET\n",
      );
    });

    it('names the key and what the credentials need when S3 answers 403, never the access key id', async () => {
      // Prepare: s3rver refuses a key id it does not know with 403
      await withLake({ 'reports/latest.html': '<h1>latest</h1>' });
      s3ClientOf = (server) => server.client(undefined, { accessKeyId: 'AKIAWRONGKEY0000', secretAccessKey: 'wrong' });
      const io = cli();
      // Act
      const status = await remote(['report', '--bucket', bucket], io);
      // Assess
      expect(status).toBe(1);
      expect(io.stderr()).toBe(
        `spotify-etl remote report: S3 did not accept your AWS credentials reading s3://${bucket}/reports/latest.html (InvalidAccessKeyId); ` +
          'check AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws sso login`\n',
      );
    });

    it('names the key and the permissions the credentials need when S3 denies access', async () => {
      // Prepare: s3rver has no policies, so a stand-in on 127.0.0.1 answers as S3 does a role without s3:GetObject
      await withLake({ 'reports/latest.html': '<h1>latest</h1>' });
      const denying = createServer((_request, response) => {
        response.writeHead(403, { 'Content-Type': 'application/xml' });
        response.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
      });
      await new Promise<void>((resolve) => denying.listen(0, '127.0.0.1', resolve));
      onTestFinished(() => new Promise<void>((resolve) => denying.close(() => resolve())));
      s3ClientOf = (server) => server.client(`http://127.0.0.1:${(denying.address() as AddressInfo).port}`);
      const io = cli();
      // Act
      const status = await remote(['report', '--bucket', bucket], io);
      // Assess
      expect(status).toBe(1);
      expect(io.stderr()).toBe(
        `spotify-etl remote report: access denied reading s3://${bucket}/reports/latest.html (AccessDenied): your credentials need s3:GetObject on it, ` +
          `and s3:ListBucket on arn:aws:s3:::${bucket} for S3 to answer a missing object with 404 rather than 403\n`,
      );
    });

    it('says the URL ends with the session when temporary credentials sign it', async () => {
      // Prepare: a session that ends in 15 minutes, sooner than the hour asked for
      await withLake({ 'reports/latest.html': '<h1>latest</h1>' });
      const now = new Date();
      const ends = new Date(now.getTime() + 15 * 60_000);
      s3ClientOf = (server) => server.client(undefined, { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', sessionToken: 'session', expiration: ends });
      const withSession = createRemote({ sfn: () => new SFNClient({}), lake: () => { throw new Error('not read'); }, s3: () => s3ClientOf(s3rver as RunningS3rver), clock: { now: () => now } });
      const [text, json] = [cli(), cli()];
      // Act
      await withSession(['report', '--bucket', bucket], text);
      await withSession(['report', '--bucket', bucket, '--json'], json);
      // Assess
      expect(text.stdout()).toContain(`this URL works until ${ends.toISOString()}, the earlier of --expires and the end of your AWS session`);
      expect(JSON.parse(json.stdout())).toMatchObject({ expiresAt: ends.toISOString() });
    });
  });

  describe('when AWS cannot be reached', () => {
    const unreachable = (): Error =>
      Object.assign(new Error('getaddrinfo ENOTFOUND states.eu-west-1.amazonaws.com'), {
        code: 'ENOTFOUND',
        syscall: 'getaddrinfo',
        hostname: 'states.eu-west-1.amazonaws.com',
        $metadata: { attempts: 3 },
      });

    it('says it could not reach AWS, naming the host, not that AWS refused', async () => {
      // Prepare
      sfn.on(ListExecutionsCommand).rejects(unreachable());
      const io = cli();
      // Act
      const status = await remote(['list'], io);
      // Assess
      expect(status).toBe(1);
      expect(io.stderr()).toBe(
        'spotify-etl remote list: could not reach AWS (states.eu-west-1.amazonaws.com: ENOTFOUND): check the network, AWS_REGION and any AWS_ENDPOINT_URL_*\n',
      );
    });

    const mayHaveRun = (name: string): string =>
      `could not reach AWS (states.eu-west-1.amazonaws.com: ENOTFOUND): check the network, AWS_REGION and any AWS_ENDPOINT_URL_*; the request may have reached AWS all the same: \`spotify-etl remote list\` tells whether ${name} runs\n`;

    it('adds, when a start gets no answer, that it may have started and how to tell', async () => {
      // Prepare: the look-up is answered, the start itself is not
      sfn.on(DescribeExecutionCommand).rejects(notFound());
      sfn.on(StartExecutionCommand).rejects(unreachable());
      const io = cli();
      // Act
      const status = await remote(['start', '--date', '2026-11-20'], io);
      // Assess
      expect(status).toBe(1);
      expect(io.stderr()).toBe(`spotify-etl remote start: ${mayHaveRun('manual-2026-11-20')}`);
    });

    it('adds, when a redrive gets no answer, that it may have gone through and how to tell', async () => {
      // Prepare
      sfn.on(DescribeExecutionCommand).resolves({ status: 'ABORTED' });
      sfn.on(RedriveExecutionCommand).rejects(unreachable());
      const io = cli();
      // Act
      const status = await remote(['redrive', 'manual-2026-11-20'], io);
      // Assess
      expect(status).toBe(1);
      expect(io.stderr()).toBe(`spotify-etl remote redrive: ${mayHaveRun('manual-2026-11-20')}`);
    });

    it('names an AWS_ENDPOINT_URL_* variable that is not a URL, before any request', async () => {
      // Prepare
      const io = cli({ SPOTIFY_ETL_STATE_MACHINE_ARN: machineArn, AWS_ENDPOINT_URL_SFN: 'not-a-url' });
      // Act
      const status = await remote(['list'], io);
      // Assess
      expect(status).toBe(1);
      expect(io.stderr()).toBe('spotify-etl remote list: AWS_ENDPOINT_URL_SFN is "not-a-url", not an http(s) URL; set it to an endpoint such as http://127.0.0.1:4566, or unset it to reach AWS\n');
      expect(sfn.calls()).toHaveLength(0);
    });
  });

  it('fails as a usage error listing the sub-commands when the sub-command is unknown', async () => {
    // Act / Assess
    await expect(remote(['launch'], cli())).rejects.toThrow('unknown remote sub-command "launch"; the sub-commands are start, backfill, redrive, status, list, report');
  });

  it('fails through the command line with exit status 2 and no stack trace on a usage error', async () => {
    // Prepare
    const io = cli();
    // Act
    const status = await main(['remote', 'start', '--date', 'yesterday'], io);
    // Assess
    expect(status).toBe(2);
    expect(io.stderr()).toMatch(/^spotify-etl remote start: --date: "yesterday" is not a calendar date.*\nRun `spotify-etl remote start --help` for its options\.\n$/);
    expect(io.stderr()).not.toContain('    at ');
  });
});
