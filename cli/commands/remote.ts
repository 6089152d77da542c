/**
 * `spotify-etl remote`: starts, redrives and inspects executions of the deployed state machine,
 * and signs a private URL of the report the WriteReport step left in the lake bucket.
 * Input is checked with the same rules as the machine's ValidateInput before anything starts,
 * because a rejected execution would still take the date's execution name for 90 days.
 */
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  type ListExecutionsCommandOutput,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionOutput,
  type ExecutionStatus,
} from '@aws-sdk/client-sfn';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { S3BlobStore } from '../../adapters/aws/s3-blob-store';
import { ErrorName, InvalidInputError } from '../../core/errors';
import { findManifest } from '../../core/manifests';
import { isIsoDate, type IsoDate } from '../../core/dates';
import { datedReportKey, latestReportKey, runManifestKey } from '../../core/lake/keys';
import type { BlobStore, Clock } from '../../core/ports';
import { parseRunRequest, splitList } from '../../core/run-input';
import { utcDateOf } from '../../core/dates';
import { asOptions, parseOptions, UsageError, type CliIo, type Command } from '../command';
import { briefList, namedAtMost, shellWords } from '../local/text';
import { playlistsOption } from '../playlists-option';
import { s3BucketName } from '../s3-bucket-name';
import { badEndpointVariable, s3ReadFailure, unreachableAws } from '../remote/aws-failures';
import {
  consoleUrlOf,
  executionArnOf,
  executionName,
  parseStateMachineArn,
  type RemoteRun,
  type StateMachineArn,
} from '../remote/execution-names';

/**
 * What `remote` needs from outside: a Step Functions client for a region, the lake bucket of a
 * region (for what each date published), and the time (for "today").
 */
export interface RemoteDependencies {
  readonly sfn: (region: string) => SFNClient;
  readonly lake: (region: string, bucket: string) => BlobStore;
  /** An S3 client of a region, for the report's pre-signed URL. */
  readonly s3: (region: string) => S3Client;
  readonly clock: Clock;
}

const usages: Record<string, string> = {
  start: 'spotify-etl remote start --date D [--playlists a,b|@FILE] [--suffix S]',
  backfill: 'spotify-etl remote backfill --from D --to D [--playlists a,b|@FILE] [--suffix S]',
  redrive: 'spotify-etl remote redrive <execution name or ARN>',
  status: 'spotify-etl remote status [<execution name or ARN>] [--bucket NAME]   (--bucket: default $SPOTIFY_ETL_LAKE_BUCKET)',
  list: 'spotify-etl remote list [--status RUNNING|SUCCEEDED|FAILED|TIMED_OUT|ABORTED|PENDING_REDRIVE] [--max N]',
  report: 'spotify-etl remote report [--date D] [--bucket NAME] [--expires SECONDS]   (a pre-signed URL of the report; default 3600 s, at most 604800)',
};
const commonHelp = `every sub-command takes [--state-machine-arn ARN] (default: $SPOTIFY_ETL_STATE_MACHINE_ARN) and [--json]
--playlists @FILE reads the ids from FILE: one per line or comma-separated, # starts a comment line.
Dates are YYYY-MM-DD (UTC). The same runs from the Step Functions console: docs/operations.md.`;

/** `remote --help`, or `remote <sub-command> --help` for that sub-command alone. */
export const remoteHelp = (args: readonly string[]): string => {
  const only = args[0] === undefined ? undefined : usages[args[0]];
  return `usage:\n${only === undefined ? Object.values(usages).map((line) => `  ${line}`).join('\n') : `  ${only}`}\n${commonHelp}`;
};

const common = {
  'state-machine-arn': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;
const runOptions = { ...common, playlists: { type: 'string' }, suffix: { type: 'string' } } as const;

const statuses: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

/** A problem the user can fix (an existing execution, a wrong ARN, no credentials): one line, exit 1. */
class RemoteError extends Error {
  public override readonly name = 'RemoteError';
}

const machineOf = (value: string | undefined, io: CliIo): StateMachineArn => {
  const arn = value ?? io.env['SPOTIFY_ETL_STATE_MACHINE_ARN'];
  if (arn === undefined || arn === '') {
    throw new UsageError('no state machine: pass --state-machine-arn ARN or set SPOTIFY_ETL_STATE_MACHINE_ARN (the StateMachineArn output of the stack)');
  }
  return parseStateMachineArn(arn);
};

/**
 * The lake bucket of `--bucket`, else of SPOTIFY_ETL_LAKE_BUCKET; undefined when neither is set.
 * A name S3 cannot have is a usage error naming where it came from.
 */
const lakeBucketOf = (value: string | undefined, io: CliIo): string | undefined => {
  const [source, bucket] = value === undefined ? ['SPOTIFY_ETL_LAKE_BUCKET', io.env['SPOTIFY_ETL_LAKE_BUCKET']] : ['--bucket', value];
  if (bucket === undefined || bucket === '') return undefined;
  if (!s3BucketName.valid(bucket)) throw new UsageError(`${source} ${JSON.stringify(bucket)} ${s3BucketName.rule}; pass the stack's LakeBucketName output`);
  return bucket;
};

/** The run input (core/run-input.ts), checked by the rules ValidateInput applies in the machine. */
const runInput = (run: RemoteRun, playlists: string | undefined, today: IsoDate): Record<string, unknown> => {
  const input: Record<string, unknown> = { ...run };
  // Said as the option here: the input's own rule names the JSON field ("playlists: [] is empty … leave "playlists" out").
  if (playlists !== undefined && splitList(playlists).length === 0) {
    throw new UsageError(`--playlists ${JSON.stringify(playlists)} is empty: leave it out to use the configured list, or name at least one playlist id`);
  }
  if (playlists !== undefined) input['playlists'] = splitList(playlists);
  try {
    // The configured playlist list lives in the deployed stack; a stand-in lets the other rules be checked here.
    parseRunRequest(input, today, ['configuredInTheStack00']);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new UsageError(asOptions(error.message));
    throw error;
  }
  return input;
};

const summaryOf = (execution: DescribeExecutionOutput) => ({
  name: execution.name,
  executionArn: execution.executionArn,
  status: execution.status,
  startDate: execution.startDate?.toISOString(),
  stopDate: execution.stopDate?.toISOString(),
  input: execution.input === undefined ? undefined : (JSON.parse(execution.input) as unknown),
  error: execution.error,
  cause: execution.cause,
  redriveCount: execution.redriveCount,
  redriveStatus: execution.redriveStatus,
});

const print = (io: CliIo, json: boolean, value: unknown, lines: readonly string[]): void => {
  io.out.write(json ? `${JSON.stringify(value)}\n` : `${lines.join('\n')}\n`);
};

/** An execution's input as one line of text, a long playlist list cut short ({@link briefList}); `--json` prints it whole. */
const inputText = (input: unknown): string =>
  JSON.stringify(input, (key, value: unknown) => (key === 'playlists' && Array.isArray(value) ? briefList(value.map(String)) : value));

const aligned = (rows: readonly (readonly [string, string | number | undefined])[]): string[] =>
  rows.filter(([, value]) => value !== undefined && value !== '').map(([label, value]) => `${label.padEnd(10)} ${value}`);

const start = async (args: string[], io: CliIo, deps: RemoteDependencies, mode: 'manual' | 'backfill'): Promise<number> => {
  const { values } = parseOptions(args, { ...runOptions, date: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } });
  const machine = machineOf(values['state-machine-arn'], io);
  const today = utcDateOf(deps.clock.now());
  if (mode === 'manual' && (values.from !== undefined || values.to !== undefined)) {
    throw new UsageError('remote start runs one --date; for a range use `remote backfill --from D --to D`');
  }
  if (mode === 'backfill' && values.date !== undefined) throw new UsageError('remote backfill takes --from D --to D; for one date use `remote start --date D`');
  const run: RemoteRun =
    mode === 'manual'
      ? { mode, date: values.date ?? missing('--date') }
      : { mode, from: values.from ?? missing('--from'), to: values.to ?? missing('--to') };
  const input = runInput(run, await playlistsOption(values.playlists, io.cwd), today);
  const name = executionName(run, values.suffix);
  const executionArn = executionArnOf(machine, name);
  const what = run.mode === 'manual' ? run.date : `${run.from}..${run.to}`;
  const refuse = (): never => {
    throw new RemoteError(`an execution for ${what} already exists: ${executionArn}; use \`--suffix\` for a second run (or \`remote redrive ${name}\` if it was stopped)`);
  };
  const sfn = deps.sfn(machine.region);
  // StartExecution answers a repeated name with the running execution instead of an error, so look first.
  if (await exists(sfn, executionArn)) refuse();
  let started;
  try {
    started = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.arn, name, input: JSON.stringify(input) }));
  } catch (error) {
    if (error instanceof Error && error.name === 'ExecutionAlreadyExists') refuse();
    throw lostAnswer(error, name);
  }
  const arn = started.executionArn ?? executionArn;
  print(io, values.json, { name, executionArn: arn, startDate: started.startDate?.toISOString(), input }, [
    `started ${name} for ${what}`,
    ...aligned([
      ['arn', arn],
      ['input', inputText(input)],
      ['console', consoleUrlOf(machine, arn)],
    ]),
    `follow it with: spotify-etl remote status ${name}`,
  ]);
  return 0;
};

/**
 * A start or redrive that got no answer may still have reached Step Functions: the line says so
 * and how to find out, instead of inviting a second start.
 */
const lostAnswer = (error: unknown, name: string): unknown => {
  const unreachable = unreachableAws(error);
  return unreachable === undefined ? error : new RemoteError(`${unreachable}; the request may have reached AWS all the same: \`spotify-etl remote list\` tells whether ${name} runs`);
};

const missing = (option: string): never => {
  throw new UsageError(`${option} is required, e.g. ${option} 2026-11-20`);
};

const exists = async (sfn: SFNClient, executionArn: string): Promise<boolean> => {
  try {
    await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ExecutionDoesNotExist') return false;
    throw error;
  }
};

/**
 * The errors no Catch can take (States.ALL does not match them): an execution that failed with one
 * stopped at the failing state, so a redrive resumes there. Every other failure went through
 * NotifyFailure to the RunFailed state, which is all a redrive would run again.
 */
const uncaughtErrors = new Set(['States.Runtime', 'States.DataLimitExceeded']);

/**
 * The command that runs an execution's dates again as a new execution, from its input, in
 * backquotes: with the execution's own playlists (not the configured list), named when they are
 * few, else read from a file the user writes, which the phrase after the command explains.
 */
const rerunCommandOf = (input: string | undefined, name: string): string => {
  let request: { mode?: unknown; date?: unknown; from?: unknown; to?: unknown; scheduledTime?: unknown; playlists?: unknown } = {};
  try {
    request = JSON.parse(input ?? '{}') as typeof request;
  } catch {
    // An input that is not JSON names no dates; the generic command below still applies.
  }
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const named = Array.isArray(request.playlists) ? request.playlists.map(String) : [];
  const playlists = named.length === 0 ? [] : ['--playlists', named.length <= namedAtMost ? named.join(',') : '@ids.txt'];
  const dates =
    request.mode === 'backfill'
      ? ['backfill', '--from', text(request.from) ?? 'D', '--to', text(request.to) ?? 'D']
      : ['start', '--date', (request.mode === 'scheduled' ? text(request.scheduledTime)?.slice(0, 10) : text(request.date)) ?? 'D'];
  const command = `\`${shellWords(['spotify-etl', 'remote', ...dates, ...playlists, '--suffix', 'rerun1'])}\``;
  return named.length > namedAtMost ? `${command} (ids.txt: its ${named.length} playlists, one per line, as \`spotify-etl remote status ${name} --json\` lists them)` : command;
};

const redrive = async (args: string[], io: CliIo, deps: RemoteDependencies): Promise<number> => {
  const { values, positionals } = parseOptions(args, common, true);
  const machine = machineOf(values['state-machine-arn'], io);
  const [execution, ...extra] = positionals;
  if (execution === undefined || extra.length > 0) throw new UsageError('remote redrive takes one execution name or ARN');
  const executionArn = executionArnOf(machine, execution);
  const sfn = deps.sfn(machine.region);
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  if (described?.status === 'FAILED' && described.error === ErrorName.ReportNotWritten) {
    throw new RemoteError(
      `${executionArn} published its dates but could not write the report (${described.cause ?? 'no cause given'}); a redrive would resume at ` +
        `ReportFailed and fail again. The next run writes the report, or run its dates again with ${rerunCommandOf(described.input, execution)}`,
    );
  }
  if (described?.status === 'FAILED' && !uncaughtErrors.has(described.error ?? '')) {
    throw new RemoteError(
      `${executionArn} failed with ${described.error ?? 'an error'}, which the machine caught: NotifyFailure alerted and marked its ` +
        'manifests failed, so a redrive would resume at RunFailed and fail again. Every step is idempotent: run its dates again with ' +
        rerunCommandOf(described.input, execution),
    );
  }
  try {
    const redriven = await sfn.send(new RedriveExecutionCommand({ executionArn }));
    print(io, values.json, { executionArn, redriveDate: redriven.redriveDate?.toISOString() }, [
      `redriven ${executionArn}: it resumes from the state that failed`,
      `follow it with: spotify-etl remote status ${execution}`,
    ]);
    return 0;
  } catch (error) {
    if (error instanceof Error && error.name === 'ExecutionNotRedrivable') {
      throw new RemoteError(
        `${executionArn} cannot be redriven (${error.message}); only a FAILED, TIMED_OUT or ABORTED execution of the last 14 days can; ` +
          'start a new one with `remote start --suffix`',
      );
    }
    throw lostAnswer(error, execution);
  }
};

/** What one date shows readers, and the last attempt at it, as its manifest in the lake records. */
const dateStatusOf = async (lake: { store: BlobStore; bucket: string; region: string }, date: IsoDate) => {
  let found;
  try {
    found = await findManifest(lake.store, date);
  } catch (error) {
    const failure = s3ReadFailure(error, lake.bucket, runManifestKey(date), lake.region);
    throw failure === undefined ? error : new RemoteError(failure);
  }
  if (found.state !== 'present') return { date, manifest: found.state === 'absent' ? 'none' : `damaged: ${found.problem}`, published: null, lastAttempt: null };
  const { published, lastAttempt } = found.manifest;
  return {
    date,
    manifest: 'present',
    published: published && { executionName: published.executionName, publishedAt: published.publishedAt },
    lastAttempt: { executionName: lastAttempt.executionName, status: lastAttempt.status, error: lastAttempt.error?.name ?? null },
  };
};

const describeDate = (d: Awaited<ReturnType<typeof dateStatusOf>>): string => {
  if (d.manifest !== 'present' && d.manifest !== 'none') {
    return `${d.date}: the manifest is ${d.manifest}; rebuild the date with \`spotify-etl remote backfill --from ${d.date} --to ${d.date}\``;
  }
  if (d.lastAttempt === null) return `${d.date}: no manifest (${d.manifest})`;
  const published = d.published === null ? 'nothing published' : `published ${d.published.executionName} at ${d.published.publishedAt ?? '?'}`;
  const error = d.lastAttempt.error === null ? '' : ` (${d.lastAttempt.error})`;
  return `${d.date}: ${published}; last attempt ${d.lastAttempt.executionName} ${d.lastAttempt.status}${error}`;
};

/** The dates an execution's input covers, by the rules ValidateInput applies; none when the input breaks them. */
const datesOfInput = (input: unknown, today: IsoDate): IsoDate[] => {
  try {
    return parseRunRequest(input, today, ['configuredInTheStack00']).dates;
  } catch {
    return [];
  }
};

const status = async (args: string[], io: CliIo, deps: RemoteDependencies): Promise<number> => {
  const { values, positionals } = parseOptions(args, { ...common, bucket: { type: 'string' } }, true);
  const machine = machineOf(values['state-machine-arn'], io);
  if (positionals.length > 1) throw new UsageError('remote status takes at most one execution name or ARN');
  const bucket = lakeBucketOf(values.bucket, io);
  const sfn = deps.sfn(machine.region);
  let executionArn = positionals[0] === undefined ? undefined : executionArnOf(machine, positionals[0]);
  if (executionArn === undefined) {
    const latest = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine.arn, maxResults: 1 }));
    executionArn = latest.executions?.[0]?.executionArn;
    if (executionArn === undefined) throw new RemoteError(`${machine.arn} has no executions yet; start one with \`remote start --date D\``);
  }
  const execution = summaryOf(await sfn.send(new DescribeExecutionCommand({ executionArn })));
  const redriven = execution.redriveCount ? ` (redriven ${execution.redriveCount}×)` : '';
  const dates = datesOfInput(execution.input, utcDateOf(deps.clock.now()));
  const lake = bucket === undefined ? undefined : { store: deps.lake(machine.region, bucket), bucket, region: machine.region };
  const published = lake === undefined ? undefined : await Promise.all(dates.map((date) => dateStatusOf(lake, date)));
  const datesLines = published?.map(describeDate) ?? [
    dates.length === 0 ? '' : `pass --bucket <LakeBucketName output> (or set SPOTIFY_ETL_LAKE_BUCKET) to see what ${dates.join(', ')} published`,
  ];
  print(io, values.json, { ...execution, ...(published ? { dates: published } : {}) }, [
    ...aligned([
      ['execution', execution.name],
      ['status', `${execution.status ?? 'UNKNOWN'}${redriven}`],
      ['started', execution.startDate],
      ['stopped', execution.stopDate],
      ['input', execution.input === undefined ? undefined : inputText(execution.input)],
      ['error', execution.error],
      ['cause', execution.cause],
      ['arn', execution.executionArn],
      ['console', consoleUrlOf(machine, executionArn)],
      ...datesLines.map((line, i) => [i === 0 ? 'dates' : '', line] as const),
    ]),
  ]);
  return execution.status === 'FAILED' || execution.status === 'TIMED_OUT' || execution.status === 'ABORTED' ? 1 : 0;
};

const list = async (args: string[], io: CliIo, deps: RemoteDependencies): Promise<number> => {
  const { values } = parseOptions(args, { ...common, status: { type: 'string' }, max: { type: 'string', default: '20' } });
  const machine = machineOf(values['state-machine-arn'], io);
  const statusFilter = values.status?.toUpperCase();
  if (statusFilter !== undefined && !statuses.includes(statusFilter as ExecutionStatus)) {
    throw new UsageError(`--status "${values.status}" is not one of ${statuses.join(', ')}`);
  }
  const max = Number(values.max);
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw new UsageError(`--max "${values.max}" must be a whole number from 1 to 1000`);
  const sfn = deps.sfn(machine.region);
  const executions = [];
  let nextToken: string | undefined;
  do {
    const page: ListExecutionsCommandOutput = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: machine.arn,
        statusFilter: statusFilter as ExecutionStatus | undefined,
        maxResults: Math.min(100, max - executions.length),
        nextToken,
      }),
    );
    executions.push(...(page.executions ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined && executions.length < max);
  const rows = executions.map((execution) => ({
    name: execution.name,
    status: execution.status,
    startDate: execution.startDate?.toISOString(),
    stopDate: execution.stopDate?.toISOString(),
    executionArn: execution.executionArn,
  }));
  const width = Math.max(4, ...rows.map((row) => row.name?.length ?? 0));
  print(io, values.json, rows, [
    `${'name'.padEnd(width)}  ${'status'.padEnd(15)}  ${'started'.padEnd(24)}  stopped`,
    ...rows.map((row) => `${(row.name ?? '').padEnd(width)}  ${(row.status ?? '').padEnd(15)}  ${(row.startDate ?? '').padEnd(24)}  ${row.stopDate ?? ''}`),
  ]);
  return 0;
};

/** How long a report's URL works by default, and at most (S3's limit for a signature). */
const defaultExpirySeconds = 3600;
const maxExpirySeconds = 604_800;

/**
 * What a report missing for `date` asks for: today's report comes with a run of today, while a
 * past date is rebuilt from its raw snapshots by a backfill (a start would read Spotify again and
 * replace the date's raw with today's playlists).
 */
const missingReportAdvice = (date: IsoDate, today: IsoDate): string =>
  date === today
    ? `run ${date} again with \`spotify-etl remote start --date ${date} --suffix rerun1\``
    : `rebuild ${date} with \`spotify-etl remote backfill --from ${date} --to ${date}\``;

/**
 * Until when a URL signed now for `seconds` works: temporary credentials (a session token, as SSO
 * and assumed roles give) sign URLs that stop working when the session ends, which may be sooner.
 */
const urlLifetime = async (s3: S3Client, now: Date, seconds: number): Promise<{ expiresAt: string; note: string }> => {
  const signed = new Date(now.getTime() + seconds * 1000);
  const { sessionToken, expiration } = await s3.config.credentials();
  if (sessionToken === undefined) return { expiresAt: signed.toISOString(), note: `this URL works until ${signed.toISOString()}` };
  if (expiration === undefined) {
    return { expiresAt: signed.toISOString(), note: `this URL works until ${signed.toISOString()} or until your AWS session ends, whichever comes first` };
  }
  const ends = expiration < signed ? expiration : signed;
  return { expiresAt: ends.toISOString(), note: `this URL works until ${ends.toISOString()}, the earlier of --expires and the end of your AWS session (${expiration.toISOString()})` };
};

/**
 * A pre-signed GET URL of the report WriteReport left in the private bucket: the latest, or the
 * one kept for `--date`. The object is read first (its first byte: S3 answers GetObject with a
 * code, HeadObject with a bare status), so a missing report, a missing bucket and refused access
 * are each one line naming the key, not a URL that answers 404.
 */
const report = async (args: string[], io: CliIo, deps: RemoteDependencies): Promise<number> => {
  const { values } = parseOptions(args, { ...common, bucket: { type: 'string' }, date: { type: 'string' }, expires: { type: 'string' } });
  const machine = machineOf(values['state-machine-arn'], io);
  const bucket = lakeBucketOf(values.bucket, io);
  if (bucket === undefined) throw new UsageError('no lake bucket: pass --bucket NAME or set SPOTIFY_ETL_LAKE_BUCKET (the LakeBucketName output of the stack)');
  const date = values.date;
  const today = utcDateOf(deps.clock.now());
  if (date !== undefined && !isIsoDate(date)) throw new UsageError(`--date must be a date like 2026-11-20, got "${date}"`);
  if (date !== undefined && date > today) throw new UsageError(`--date "${date}" is in the future (today is ${today} UTC); a report exists only for dates up to today`);
  const expires = values.expires === undefined ? defaultExpirySeconds : Number(values.expires);
  if (!Number.isInteger(expires) || expires < 1 || expires > maxExpirySeconds) {
    throw new UsageError(`--expires "${values.expires}" must be a whole number of seconds from 1 to ${maxExpirySeconds} (7 days)`);
  }
  const key = date === undefined ? latestReportKey : datedReportKey(date);
  const s3 = deps.s3(machine.region);
  try {
    const first = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: 'bytes=0-0' }));
    await first.Body?.transformToByteArray();
  } catch (error) {
    const name = error instanceof Error ? error.name : undefined;
    // A report is never empty, but an empty object answers a byte range with InvalidRange: it exists.
    if (name === 'NoSuchKey') {
      throw new RemoteError(
        date === undefined
          ? `no report at s3://${bucket}/${key}: the WriteReport step writes it after a run succeeds; start one with \`spotify-etl remote start --date ${today}\``
          : `no report at s3://${bucket}/${key}: a run keeps one for the last date it published; ${missingReportAdvice(date, today)}, or open the latest with \`spotify-etl remote report\``,
      );
    }
    if (name !== 'InvalidRange') {
      const failure = s3ReadFailure(error, bucket, key, machine.region);
      if (failure === undefined) throw error;
      throw new RemoteError(failure);
    }
  }
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: expires });
  const { expiresAt, note } = await urlLifetime(s3, deps.clock.now(), expires);
  print(io, values.json, { bucket, key, url, expiresAt }, [`# s3://${bucket}/${key}, private; ${note}`, url]);
  return 0;
};

const actions: Record<string, (args: string[], io: CliIo, deps: RemoteDependencies) => Promise<number>> = {
  start: (args, io, deps) => start(args, io, deps, 'manual'),
  backfill: (args, io, deps) => start(args, io, deps, 'backfill'),
  redrive,
  status,
  list,
  report,
};

/**
 * A failure from AWS the user can act on, as one line: no credentials, no answer, no such state
 * machine, access denied. Anything else is a bug and keeps its stack trace.
 */
const explain = (error: unknown): string | undefined => {
  if (error instanceof RemoteError) return error.message;
  if (!(error instanceof Error)) return undefined;
  const unreachable = unreachableAws(error);
  if (unreachable !== undefined) return unreachable;
  switch (error.name) {
    case 'CredentialsProviderError':
      return `no AWS credentials (${error.message}); set AWS_PROFILE, or run \`aws sso login\`, then try again`;
    case 'StateMachineDoesNotExist':
      return `the state machine does not exist (${error.message}); check --state-machine-arn or SPOTIFY_ETL_STATE_MACHINE_ARN`;
    case 'ExecutionDoesNotExist':
      return `no such execution (${error.message}); see \`spotify-etl remote list\``;
    default:
      // A modelled AWS error (access denied, throttling, an invalid ARN) carries $metadata.
      return '$metadata' in error ? `AWS refused the request: ${error.name}: ${error.message}` : undefined;
  }
};

/** Builds the `remote` command over the given Step Functions client factory and clock. */
export const createRemote =
  (deps: RemoteDependencies): Command =>
  async (args, io) => {
    const [action, ...rest] = args;
    const run = action === undefined ? undefined : actions[action];
    if (run === undefined) {
      throw new UsageError(
        `${action === undefined ? 'remote needs a sub-command' : `unknown remote sub-command "${action}"`}; the sub-commands are ${Object.keys(actions).join(', ')}`,
      );
    }
    try {
      // Checked before any request: the SDK fails on such a value with a bare TypeError ("Invalid URL").
      const endpoint = badEndpointVariable(io.env);
      if (endpoint !== undefined) throw new RemoteError(endpoint);
      return await run(rest, io, deps);
    } catch (error) {
      if (error instanceof UsageError && error.command === undefined) throw new UsageError(error.message, `remote ${action}`);
      const message = explain(error);
      if (message === undefined) throw error;
      io.err.write(`spotify-etl remote ${action}: ${message}\n`);
      return 1;
    }
  };

/** `spotify-etl remote …` against the deployed state machine, with the default AWS credential chain. */
export const remote: Command = createRemote({
  sfn: (region) => new SFNClient({ region }),
  lake: (region, bucket) => new S3BlobStore(new S3Client({ region }), bucket),
  s3: (region) => new S3Client({ region }),
  clock: { now: () => new Date() },
});
