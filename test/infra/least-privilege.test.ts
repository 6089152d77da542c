/**
 * Least privilege, proved offline: the rendered machine runs a few executions through the local
 * executor with every registered step's own Lambda handler (so a new step is replayed wherever
 * the definition places it), S3 on s3rver, the other AWS services mocked and Spotify emulated;
 * each AWS call a handler makes is turned
 * into the IAM action and resource ARN AWS authorizes it as, and checked against the statements
 * infra grants that step (infra/grants.ts, which the stack test proves equal to the synthesized
 * roles). A missing grant fails; a grant no call used is listed; and removing any one entry of a
 * step's declaration is shown to fail the replay.
 */
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { BatchCreatePartitionCommand, EntityNotFoundException, GetCrawlerCommand, GetTableCommand, GlueClient, StartCrawlerCommand } from '@aws-sdk/client-glue';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { AsyncLocalStorage } from 'node:async_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, utcDateOf } from '../../core/dates';
import { mapRunFailedError, resumeAfterPhrase } from '../../core/errors';
import type { StepResources } from '../../core/resources';
import { grantsOf, objectsArn, type Grant, type ResourceArns } from '../../infra/grants';
import { leaseKey, curatedPartKey, playlistRequestsStem, rawPlaylistKey, runIdOf, runManifestKey } from '../../core/lake/keys';
import type { RunManifest } from '../../core/lake/manifest';
import { writeManifest } from '../../core/manifests';
import { storeRequests } from '../../core/requests';
import { newLease } from '../../core/leases';
import { storedToken } from '../../core/secrets';
import { sqlTypes, stagedTableName, tables, type TableName } from '../../core/tables';
import { startConditionalGate, type ConditionalGate } from '../adapters/aws/conditional-gate';
import { runLocally, uniformPauses, type TaskHandler } from '../../state-machine/local-executor';
import { renderAsl } from '../../state-machine/render';
import { allSteps, steps } from '../../steps/registry';
import { S3BlobStore } from '../../adapters/aws/s3-blob-store';
import { startEmulator, type RunningEmulator } from '../../adapters/spotify/emulator/server';
import { startS3rver, type RunningS3rver } from '../adapters/aws/s3rver';

const bucket = 'lake-bucket';
const arns: ResourceArns = {
  bucketArn: `arn:aws:s3:::${bucket}`,
  credentialsSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:credentials',
  tokenCacheSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:token-cache',
  crawlerArn: 'arn:aws:glue:eu-west-1:123456789012:crawler/curated',
  workGroupArn: 'arn:aws:athena:eu-west-1:123456789012:workgroup/spotify-etl',
  catalogArns: ['arn:aws:glue:eu-west-1:123456789012:catalog', 'arn:aws:glue:eu-west-1:123456789012:database/spotify_etl', 'arn:aws:glue:eu-west-1:123456789012:table/spotify_etl/*'],
  athenaResultsPrefix: 'athena-results/',
  topicArn: 'arn:aws:sns:eu-west-1:123456789012:failures',
  keyArn: 'arn:aws:kms:eu-west-1:123456789012:key/failures',
  restartSchedulesArn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/spotify-etl-restarts/*',
  restartRoleArn: 'arn:aws:iam::123456789012:role/restarts',
};

/** One authorization AWS makes for a call: an action on a resource ARN. */
interface Access {
  readonly action: string;
  readonly resource: string;
  /** What the step did, for the failure message. */
  readonly call: string;
  /** The prefix of a listing, which the declaration must name (ListBucket itself is bucket-wide, see infra/grants.ts). */
  readonly listed?: string;
}

/**
 * What AWS authorizes a recorded command as. S3: the object ARN with bucket and key (a
 * DeleteObjects is one DeleteObject per key); a listing is ListBucket on the bucket. Athena runs
 * a query with the caller's access, so a started query also needs what the service itself reads
 * and writes on the caller's behalf: modelled here from Athena's documentation, not observed.
 */
const accessesOf = (command: { constructor: { name: string }; input: Record<string, unknown> }): Access[] => {
  const name = command.constructor.name.replace(/Command$/, '');
  const input = command.input;
  const object = (key: unknown): string => `arn:aws:s3:::${String(input['Bucket'])}/${String(key)}`;
  const call = `${name} ${JSON.stringify(input['Key'] ?? input['Prefix'] ?? input['SecretId'] ?? input['Name'] ?? input['QueryExecutionId'] ?? input['TopicArn'] ?? '')}`;
  switch (name) {
    case 'GetObject':
      return [{ action: 's3:GetObject', resource: object(input['Key']), call }];
    case 'PutObject':
      return [{ action: 's3:PutObject', resource: object(input['Key']), call }];
    case 'DeleteObject':
      return [{ action: 's3:DeleteObject', resource: object(input['Key']), call }];
    case 'DeleteObjects':
      return ((input['Delete'] as { Objects: { Key: string }[] }).Objects ?? []).map((entry) => ({ action: 's3:DeleteObject', resource: object(entry.Key), call: `DeleteObjects ${entry.Key}` }));
    case 'ListObjectsV2':
      return [{ action: 's3:ListBucket', resource: `arn:aws:s3:::${String(input['Bucket'])}`, call, listed: String(input['Prefix']) }];
    case 'GetSecretValue':
      return [{ action: 'secretsmanager:GetSecretValue', resource: String(input['SecretId']), call }];
    case 'PutSecretValue':
      return [{ action: 'secretsmanager:PutSecretValue', resource: String(input['SecretId']), call }];
    case 'StartCrawler':
      return [{ action: 'glue:StartCrawler', resource: arns.crawlerArn, call }];
    case 'GetCrawler':
      return [{ action: 'glue:GetCrawler', resource: arns.crawlerArn, call }];
    case 'GetTable':
    case 'BatchCreatePartition': {
      // Glue authorizes a table's call on the catalog, its database and the table itself.
      const table = String(input['Name'] ?? input['TableName']);
      const database = String(input['DatabaseName']);
      return [`catalog`, `database/${database}`, `table/${database}/${table}`].map((resource) => ({ action: `glue:${name}`, resource: `arn:aws:glue:eu-west-1:123456789012:${resource}`, call: `${name} ${table}` }));
    }
    case 'StartQueryExecution':
      return [
        { action: 'athena:StartQueryExecution', resource: arns.workGroupArn, call },
        { action: 'glue:GetTable', resource: 'arn:aws:glue:eu-west-1:123456789012:table/spotify_etl/staged_songs', call: `${call} (Athena reads the staged table)` },
        { action: 'glue:GetPartitions', resource: 'arn:aws:glue:eu-west-1:123456789012:table/spotify_etl/staged_songs', call: `${call} (Athena reads the partitions)` },
        { action: 's3:GetBucketLocation', resource: arns.bucketArn, call: `${call} (Athena locates the data)` },
        { action: 's3:GetObject', resource: objectsArn(arns.bucketArn, 'curated/songs/part-00000.parquet').replace(/\*$/, ''), call: `${call} (Athena reads the staged files)` },
        { action: 's3:PutObject', resource: objectsArn(arns.bucketArn, `${arns.athenaResultsPrefix}q.csv`).replace(/\*$/, ''), call: `${call} (Athena writes the results)` },
      ];
    case 'GetQueryExecution':
      return [{ action: 'athena:GetQueryExecution', resource: arns.workGroupArn, call }];
    case 'GetQueryResults':
      return [
        { action: 'athena:GetQueryResults', resource: arns.workGroupArn, call },
        { action: 's3:GetObject', resource: objectsArn(arns.bucketArn, `${arns.athenaResultsPrefix}q.csv`).replace(/\*$/, ''), call: `${call} (Athena reads the result file)` },
      ];
    case 'Publish':
      return [
        { action: 'sns:Publish', resource: String(input['TopicArn']), call },
        // A publisher to a KMS-encrypted topic needs both on the topic's key (SNS documents this).
        { action: 'kms:GenerateDataKey', resource: arns.keyArn, call: `${call} (SNS encrypts with the topic's key)` },
        { action: 'kms:Decrypt', resource: arns.keyArn, call: `${call} (SNS encrypts with the topic's key)` },
      ];
    case 'CreateSchedule':
      return [
        { action: 'scheduler:CreateSchedule', resource: `arn:aws:scheduler:eu-west-1:123456789012:schedule/${String(input['GroupName'])}/${String(input['Name'])}`, call },
        // Handing Scheduler the role it starts the machine with is a PassRole of that role.
        { action: 'iam:PassRole', resource: String((input['Target'] as { RoleArn?: unknown }).RoleArn), call: `${call} (passes the target's role)` },
      ];
    default:
      throw new Error(`the replay does not know how AWS authorizes ${name}: add it to accessesOf`);
  }
};

/** Whether an IAM resource pattern (only a trailing `*` or `/*` wildcard) matches an ARN. */
const matches = (pattern: string, resource: string): boolean => (pattern.endsWith('*') ? resource.startsWith(pattern.slice(0, -1)) : pattern === resource);

/**
 * The calls no statement allows (or that list below a prefix the declaration does not name), and
 * the statement entries (action on resource) no call used.
 */
const judge = (accesses: readonly Access[], resources: StepResources) => {
  const grants: Grant[] = grantsOf(resources, arns);
  const listable = [...(resources.lake?.list ?? []), ...(resources.lake?.read ?? [])];
  const entries = grants.flatMap((grant) => grant.actions.flatMap((action) => grant.resources.map((resource) => ({ action, resource }))));
  const denied = accesses.filter(
    (access) =>
      !entries.some((entry) => entry.action === access.action && matches(entry.resource, access.resource)) ||
      (access.listed !== undefined && !listable.some((prefix) => access.listed?.startsWith(prefix))),
  );
  const unused = entries.filter((entry) => !accesses.some((access) => entry.action === access.action && matches(entry.resource, access.resource)));
  return { denied, unused: unused.map((entry) => `${entry.action} ${entry.resource}`) };
};

/** Each way to take one entry out of a declaration: a prefix of one lake list, or one other key. */
const withOneEntryRemoved = (resources: StepResources): { removed: string; resources: StepResources }[] => {
  const variants: { removed: string; resources: StepResources }[] = [];
  for (const access of ['list', 'read', 'write', 'delete'] as const) {
    for (const prefix of resources.lake?.[access] ?? []) {
      variants.push({ removed: `lake.${access} ${prefix}`, resources: { ...resources, lake: { ...resources.lake, [access]: resources.lake?.[access]?.filter((p) => p !== prefix) } } });
    }
  }
  if (resources.spotify) {
    for (const secret of ['credentials', 'tokenCache'] as const) {
      const access = resources.spotify[secret];
      const fewer = access === 'readWrite' ? (['read', 'write'] as const) : [];
      for (const left of fewer) variants.push({ removed: `spotify.${secret} ${access} → ${left}`, resources: { ...resources, spotify: { ...resources.spotify, [secret]: left } } });
    }
  }
  for (const key of ['crawler', 'partitions', 'queries', 'failureTopic', 'restarts'] as const) {
    if (resources[key] !== undefined) {
      const { [key]: _dropped, ...rest } = resources;
      variants.push({ removed: key, resources: rest });
    }
  }
  return variants;
};

/** The state whose handler is running: every AWS call is recorded against it. */
const replaying = new AsyncLocalStorage<string>();

/** The `send` every AWS SDK client inherits. */
interface Sender {
  send(command: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown>;
}

/**
 * Records each call a client class sends while a handler runs, as the accesses AWS authorizes,
 * under that handler's state (a call from the test itself, outside any handler, is not recorded).
 * S3 answers a GetObject of a missing key with 404 only to a caller that may list the bucket.
 * Returns the undo.
 */
const recordSends = (prototype: Sender, recorded: Map<string, Access[]>): (() => void) => {
  const original = prototype.send;
  prototype.send = async function (this: Sender, command) {
    const state = replaying.getStore();
    const record = (accesses: Access[]) => state !== undefined && recorded.set(state, [...(recorded.get(state) ?? []), ...accesses]);
    try {
      const answer = await original.call(this, command);
      record(accessesOf(command));
      return answer;
    } catch (error) {
      const missed = (error as { name?: string }).name === 'NoSuchKey'
        ? [{ action: 's3:ListBucket', resource: `arn:aws:s3:::${String(command.input['Bucket'])}`, call: `GetObject of a missing key ${JSON.stringify(command.input['Key'])}` }]
        : [];
      record([...accessesOf(command), ...missed]);
      throw error;
    }
  };
  return () => {
    prototype.send = original;
  };
};

describe('each step\'s AWS calls against its granted policy', () => {
  const recorded = new Map<string, Access[]>();
  /** How each execution of the replay ended, for the message when a step was never reached. */
  const outcomes: { name: string; planned: string; ended: string }[] = [];
  const invoked = new Set<string>();
  let s3rver: RunningS3rver;
  let emulator: RunningEmulator;
  let gate: ConditionalGate;
  const saved = { ...process.env };

  beforeAll(async () => {
    s3rver = await startS3rver(bucket);
    // Rotating refresh tokens, as Spotify may: the credentials secret is written back.
    emulator = await startEmulator({ rotateRefreshTokens: true });
    // s3rver ignores conditional writes; the gate answers them as S3 does, so leases behave.
    gate = await startConditionalGate(s3rver.endpoint);
    const secrets = new Map<string, string>([[arns.credentialsSecretArn, JSON.stringify(emulator.credentials)]]);
    Object.assign(process.env, {
      LAKE_BUCKET_NAME: bucket,
      DEFAULT_PLAYLIST_IDS: emulator.playlistIds.slice(0, 1).join(','),
      SPOTIFY_CREDENTIALS_SECRET_ID: arns.credentialsSecretArn,
      SPOTIFY_TOKEN_CACHE_SECRET_ID: arns.tokenCacheSecretArn,
      SPOTIFY_API_BASE_URL: emulator.apiBaseUrl,
      SPOTIFY_ACCOUNTS_BASE_URL: emulator.accountsBaseUrl,
      SPOTIFY_GRANT: 'refresh_token',
      GLUE_CRAWLER_NAME: 'curated',
      GLUE_DATABASE_NAME: 'spotify_etl',
      ATHENA_WORKGROUP: 'spotify-etl',
      FAILURE_TOPIC_ARN: arns.topicArn,
      STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:spotify-etl',
      RESTART_SCHEDULE_GROUP: 'spotify-etl-restarts',
      RESTART_ROLE_ARN: arns.restartRoleArn,
      REJECT_TOLERANCE: '0',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_S3: gate.endpoint,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_NAMESPACE: 'replay',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_SERVICE_NAME: 'replay',
    });
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand).callsFake((input: { SecretId: string }) => {
      const value = secrets.get(input.SecretId);
      if (value === undefined) throw Object.assign(new Error('no value'), { name: 'ResourceNotFoundException' });
      return { SecretString: value };
    });
    sm.on(PutSecretValueCommand).callsFake((input: { SecretId: string; SecretString: string }) => void secrets.set(input.SecretId, input.SecretString));
    const glue = mockClient(GlueClient);
    // GetTable and GetCrawler answer each execution's catalog and crawl below.
    glue.on(StartCrawlerCommand).resolves({});
    glue.on(BatchCreatePartitionCommand).resolves({ Errors: [] });
    const crawled = (table: TableName) => ({
      Name: stagedTableName(table),
      PartitionKeys: [{ Name: 'snapshot_date' }, { Name: 'run_id' }],
      StorageDescriptor: { Location: `s3://${bucket}/curated/${table}/`, Columns: tables[table].map((column) => ({ Name: column.name, Type: sqlTypes[column.type].hive })) },
    });
    const athena = mockClient(AthenaClient);
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    // No row is a failed check: the candidate passes.
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [] } });
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const scheduler = mockClient(SchedulerClient);
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/spotify-etl-restarts/restart' });
    const mocks = [sm, glue, athena, sns, scheduler];
    const sends = [S3Client, SecretsManagerClient, GlueClient, AthenaClient, SNSClient, SchedulerClient].map((client) => recordSends(client.prototype as unknown as Sender, recorded));
    const lake = s3rver.client();
    const put = (key: string, body: string) => lake.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    const expireCachedToken = () => void secrets.set(arns.tokenCacheSecretArn, JSON.stringify(storedToken({ value: 'expired', expiresAt: new Date(0) })));

    // Every registered step's handler, as Lambda loads it, bound by state name: a new step is
    // replayed wherever the definition places it, with no call written for it here.
    const handlers = Object.fromEntries(
      await Promise.all(
        allSteps.map(async (step): Promise<[string, TaskHandler]> => {
          const { handler } = (await import(`../../steps/${step.dir}/handler.ts`)) as { handler: (event: unknown) => Promise<unknown> };
          // Each step finds the cached token expired, so every step that may renew it does (the refresh token rotates).
          return [step.stateName, (payload) => replaying.run(step.stateName, () => (invoked.add(step.stateName), expireCachedToken(), handler(payload)))];
        }),
      ),
    );
    const asl = renderAsl();
    const today = utcDateOf(new Date());
    const yesterday = addDays(today, -1);
    // The paths that between them reach every grant: an aborted execution's expired lease taken
    // over; a killed earlier attempt's part cleared; a first run, whose tables the crawler creates;
    // a crawl that fails (the failure branch); a rerun of a date (its earlier pages and the other
    // runs' files removed at publication), whose partitions are registered without a crawl; a
    // backfill rebuilding what landed and extracting today, whose unchanged playlist is carried over;
    // today again after a failed rerun of yesterday cut its read of a playlist that has changed
    // since, which Normalise then compares with the rows yesterday published.
    const cutYesterdaysRead = async (): Promise<void> => {
      const store = new S3BlobStore(lake, bucket);
      const playlistId = emulator.playlistIds[0] ?? '';
      await store.delete([rawPlaylistKey(yesterday, playlistId)]);
      const manifest = JSON.parse(new TextDecoder().decode(await store.get(runManifestKey(yesterday)))) as RunManifest;
      for (const playlist of manifest.published?.playlists ?? []) if (playlist.playlistId === playlistId) playlist.snapshotId = 'an-earlier-snapshot';
      await writeManifest(store, manifest);
    };
    await put(leaseKey(yesterday), JSON.stringify(newLease('aborted-0', new Date(Date.now() - 7 * 86_400_000))));
    const executions: { name: string; input: object; tables: 'missing' | 'catalogued'; crawl: 'SUCCEEDED' | 'FAILED'; ends: string; before?: () => Promise<void> }[] = [
      { name: 'replay-1', input: { mode: 'manual', date: yesterday }, tables: 'missing', crawl: 'SUCCEEDED', ends: 'succeeded' },
      { name: 'replay-2', input: { mode: 'manual', date: yesterday }, tables: 'missing', crawl: 'FAILED', ends: 'failed' },
      { name: 'replay-3', input: { mode: 'manual', date: yesterday }, tables: 'catalogued', crawl: 'SUCCEEDED', ends: 'succeeded' },
      { name: 'replay-4', input: { mode: 'backfill', from: yesterday, to: today }, tables: 'catalogued', crawl: 'SUCCEEDED', ends: 'succeeded' },
      { name: 'replay-5', input: { mode: 'manual', date: today }, tables: 'catalogued', crawl: 'SUCCEEDED', ends: 'succeeded', before: cutYesterdaysRead },
    ];
    for (const execution of executions) {
      await execution.before?.();
      await put(curatedPartKey('songs', yesterday, runIdOf(execution.name), 1), 'left over');
      glue.on(GetCrawlerCommand).resolves({ Crawler: { State: 'READY', LastCrawl: { Status: execution.crawl, ErrorMessage: 'replay' } } });
      glue.on(GetTableCommand).callsFake((input: { Name: string }) => {
        if (execution.tables === 'missing') throw new EntityNotFoundException({ message: `Table ${input.Name} not found`, $metadata: {} });
        return { Table: crawled(input.Name.slice('staged_'.length) as TableName) };
      });
      const outcome = await runLocally({ asl, handlers, input: execution.input, executionName: execution.name, pauses: uniformPauses(asl, 0) });
      outcomes.push({ name: execution.name, planned: execution.ends, ended: `${outcome.status}${outcome.status === 'failed' ? ` (${outcome.error}: ${outcome.cause})` : ''}` });
    }
    // Spotify throttles a playlist with a long Retry-After: the one path on which NotifyFailure
    // schedules the run's restart. On AWS the Distributed Map then fails with an error that names
    // none, and NotifyFailure reads the playlist's own from its failed invocation's object. The
    // emulator cannot be told to mid-replay, so that object is stored, and the Map's error handed
    // to NotifyFailure, as on AWS.
    const plan = { run: { mode: 'manual', executionName: 'replay-6', startedAt: new Date().toISOString() }, playlistIds: emulator.playlistIds.slice(0, 1), rebuildLanded: false, dates: [{ date: today, extract: true }], skipped: [] };
    const throttled = { Error: 'SpotifyThrottledError', Cause: JSON.stringify({ errorType: 'SpotifyThrottledError', errorMessage: `wait ${resumeAfterPhrase(3600)}` }) };
    const stem = playlistRequestsStem('replay-6', today, steps.extractItems.stateName, plan.playlistIds[0] ?? '');
    await storeRequests(new S3BlobStore(lake, bucket), stem, 'replay', { spotifyApi: 1, spotifyToken: 0 }, { error: throttled, at: new Date(), retried: false });
    const mapFailed = { Error: mapRunFailedError, Cause: 'The specified tolerated failure threshold was exceeded' };
    await handlers['NotifyFailure']?.({ request: { mode: 'manual', date: today }, executionName: 'replay-6', plan, error: mapFailed });
    for (const restore of sends) restore();
    for (const mock of mocks) mock.restore();
  }, 120_000);

  afterAll(async () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await emulator.close();
    await gate.close();
    await s3rver.close();
  });

  it('ends each execution of the replay as planned: one on the failure branch, the others published', () => {
    // Act
    const unplanned = outcomes.filter((outcome) => !outcome.ended.startsWith(outcome.planned)).map((outcome) => `${outcome.name}: planned ${outcome.planned}, ${outcome.ended}`);
    // Assess
    expect(outcomes).toHaveLength(5);
    expect(unplanned).toEqual([]);
  });

  it("takes the path on which Normalise reads a published date's playlist_items (replay-5), so its grant is proved", () => {
    // Act
    const reads = (recorded.get(steps.normalise.stateName) ?? []).filter((access) => access.action === 's3:GetObject' && access.resource.includes('/curated/playlist_items/'));
    // Assess
    expect(reads).not.toEqual([]);
  });

  it('runs every registered step at least once', () => {
    // Act
    const missed = allSteps.filter((step) => !invoked.has(step.stateName)).map((step) => step.stateName);
    // Assess
    expect(missed, `no execution of the replay reached these states (${outcomes.map((o) => `${o.name} ${o.ended}`).join('; ')}): add one that does to the executions above`).toEqual([]);
  });

  it.each(allSteps.map((step) => [step.stateName, step] as const))('%s makes no call its policy does not grant', (_name, step) => {
    const accesses = recorded.get(step.stateName) ?? [];
    const { denied, unused } = judge(accesses, step.resources);
    expect(denied.map((access) => `${access.action} ${access.resource} (${access.call})`)).toEqual([]);
    // A grant no call used is reported, not failed: some are needed only on paths the replay does not take.
    if (unused.length > 0) console.info(`${step.stateName}: granted but not used in the replay: ${unused.join(', ')}`);
  });

  it.each(allSteps.map((step) => [step.stateName, step] as const))('%s fails the replay when any one entry of its declaration is removed', (_name, step) => {
    const accesses = recorded.get(step.stateName) ?? [];
    const survivors = withOneEntryRemoved(step.resources)
      .filter((variant) => judge(accesses, variant.resources).denied.length === 0)
      .map((variant) => variant.removed);
    expect(survivors).toEqual([]);
  });
});
