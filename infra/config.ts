/**
 * The deployment's settings, read from CDK context (`cdk.json`, or `-c key=value` on the
 * command line) with the defaults below. Every value is checked here, so a typo fails the
 * synth with a message naming the key, the value and the rule instead of deploying a broken stack.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { SpotifyPlaylistId, splitList } from '../core/run-input';
import { freshnessWindowHours, maxFreshnessWindowHours } from './freshness';

/** What the stack is built from. */
export interface StackConfig {
  /** The CloudFormation stack name. @default 'SpotifyEtl' */
  readonly stackName: string;
  /** Prefix of every named resource (crawler, workgroup, secrets, topic, state machine). @default 'spotify-etl' */
  readonly namePrefix: string;
  /** Playlist ids every run reads unless its input names others; none keeps the schedule disabled. @default [] */
  readonly playlists: readonly string[];
  /** EventBridge Scheduler expression of the daily run. @default 'cron(0 6 * * ? *)' */
  readonly schedule: string;
  /** IANA time zone the schedule expression is read in (the logical date is still the UTC date). @default 'UTC' */
  readonly scheduleTimezone: string;
  /** Where failure alerts are e-mailed; empty for no subscription. @default '' */
  readonly alertEmail: string;
  /** Spotify grant: refresh_token (the owner's consent) or client_credentials. @default 'refresh_token' */
  readonly spotifyGrant: 'refresh_token' | 'client_credentials';
  /** @default 'https://api.spotify.com/v1' */
  readonly spotifyApiBaseUrl: string;
  /** @default 'https://accounts.spotify.com' */
  readonly spotifyAccountsBaseUrl: string;
  /** Athena refuses a query that would scan more than this many bytes (at least 10 MB). @default 1073741824 (1 GiB) */
  readonly athenaBytesScannedCutoff: number;
  /** Days Athena result files are kept. @default 7 */
  readonly athenaResultsExpirationDays: number;
  /** Days Lambda and state machine logs are kept (a CloudWatch Logs retention value; Glue owns the crawler's log group). @default 90 */
  readonly logRetentionDays: RetentionDays;
  /** Entries per date that may fail to decode before the date fails validation (DESIGN §4). @default 0 */
  readonly rejectTolerance: number;
  /**
   * Hours past the schedule's period without a succeeded execution before the freshness alarm
   * fires (Scheduler retries a start for up to 6 h, and the run itself takes time). @default 6
   */
  readonly freshnessMarginHours: number;
  /**
   * The SQS queue Snowflake's pipes listen on (`SHOW PIPES`, notification_channel): the bucket
   * notifies it of new curated Parquet and manifests; needs {@link snowflakeExternalId}. @default ''
   */
  readonly snowflakeSqsArn: string;
  /**
   * The external id of Snowflake's storage integration (`DESC INTEGRATION`, STORAGE_AWS_EXTERNAL_ID):
   * turns on the role Snowflake assumes (infra/snowflake.ts). @default ''
   */
  readonly snowflakeExternalId: string;
  /**
   * Snowflake's IAM user (`DESC INTEGRATION`, STORAGE_AWS_IAM_USER_ARN), the principal the role
   * trusts; while empty the role trusts only this account, so Snowflake cannot assume it yet. @default ''
   */
  readonly snowflakeIamUserArn: string;
}

/** The defaults, also written out in cdk.json so the knobs can be found there. */
export const defaultConfig: StackConfig = {
  stackName: 'SpotifyEtl',
  namePrefix: 'spotify-etl',
  playlists: [],
  schedule: 'cron(0 6 * * ? *)',
  scheduleTimezone: 'UTC',
  alertEmail: '',
  spotifyGrant: 'refresh_token',
  spotifyApiBaseUrl: 'https://api.spotify.com/v1',
  spotifyAccountsBaseUrl: 'https://accounts.spotify.com',
  athenaBytesScannedCutoff: 1_073_741_824,
  athenaResultsExpirationDays: 7,
  logRetentionDays: RetentionDays.THREE_MONTHS,
  rejectTolerance: 0,
  freshnessMarginHours: 6,
  snowflakeSqsArn: '',
  snowflakeExternalId: '',
  snowflakeIamUserArn: '',
};

/** The context key of a setting: `spotify-etl:<name>`. */
export const contextKey = (name: keyof StackConfig): string => `spotify-etl:${name}`;

/** A context value that breaks its rule; the message names the key, the value and what to write. */
export class ConfigError extends Error {
  public override readonly name = 'ConfigError';
}

const bad = (name: keyof StackConfig, value: unknown, rule: string): never => {
  throw new ConfigError(`CDK context ${contextKey(name)} = ${JSON.stringify(value)}: ${rule} (set it in cdk.json or with -c ${contextKey(name)}=...)`);
};

const text = (name: keyof StackConfig, value: unknown, pattern: RegExp, rule: string): string =>
  typeof value === 'string' && pattern.test(value) ? value : bad(name, value, rule);

/** A whole number from context, which is a number in cdk.json and a string after `-c`. */
const whole = (name: keyof StackConfig, value: unknown, min: number, max: number): number => {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number >= min && number <= max
    ? number
    : bad(name, value, `must be a whole number from ${min} to ${max}`);
};

const playlistsOf = (value: unknown): string[] => {
  const ids = typeof value === 'string' ? splitList(value) : value;
  if (!Array.isArray(ids)) return bad('playlists', value, 'must be a list of playlist ids, or one string of ids separated by commas');
  for (const id of ids as unknown[]) {
    if (!SpotifyPlaylistId.is(id)) bad('playlists', id, 'is not a Spotify playlist id (the 22 letters and digits after open.spotify.com/playlist/)');
  }
  return [...new Set(ids as string[])];
};

const retentionValues = new Set<number>(Object.values(RetentionDays).filter((days): days is number => typeof days === 'number'));

/** Reads and checks every setting from the context of `node`, falling back to {@link defaultConfig}. */
export const readConfig = (node: Node): StackConfig => {
  const get = <K extends keyof StackConfig>(name: K): unknown => node.tryGetContext(contextKey(name)) ?? defaultConfig[name];
  const retention = whole('logRetentionDays', get('logRetentionDays'), 1, 3653);
  if (!retentionValues.has(retention)) {
    bad('logRetentionDays', retention, `must be a CloudWatch Logs retention: ${[...retentionValues].filter((d) => d < 9999).sort((a, b) => a - b).join(', ')}`);
  }
  const grant = get('spotifyGrant');
  const config: StackConfig = {
    stackName: text('stackName', get('stackName'), /^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'must start with a letter and hold only letters, digits and -'),
    namePrefix: text('namePrefix', get('namePrefix'), /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, 'must be 3-32 lower-case letters, digits and -, starting with a letter'),
    playlists: playlistsOf(get('playlists')),
    schedule: text('schedule', get('schedule'), /^(cron|rate)\(.+\)$/, 'must be an EventBridge Scheduler expression such as "cron(0 6 * * ? *)" or "rate(1 day)"'),
    scheduleTimezone: text('scheduleTimezone', get('scheduleTimezone'), /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, 'must be an IANA time zone such as "UTC" or "Europe/Berlin"'),
    alertEmail: text('alertEmail', get('alertEmail'), /^$|^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'must be an e-mail address, or empty for no e-mail alerts'),
    spotifyGrant: grant === 'refresh_token' || grant === 'client_credentials' ? grant : bad('spotifyGrant', grant, 'must be "refresh_token" or "client_credentials"'),
    spotifyApiBaseUrl: text('spotifyApiBaseUrl', get('spotifyApiBaseUrl'), /^https:\/\/\S+$/, 'must be an https:// URL'),
    spotifyAccountsBaseUrl: text('spotifyAccountsBaseUrl', get('spotifyAccountsBaseUrl'), /^https:\/\/\S+$/, 'must be an https:// URL'),
    // Athena's own minimum for BytesScannedCutoffPerQuery is 10 MB.
    athenaBytesScannedCutoff: whole('athenaBytesScannedCutoff', get('athenaBytesScannedCutoff'), 10_000_000, Number.MAX_SAFE_INTEGER),
    athenaResultsExpirationDays: whole('athenaResultsExpirationDays', get('athenaResultsExpirationDays'), 1, 3650),
    logRetentionDays: retention as RetentionDays,
    rejectTolerance: whole('rejectTolerance', get('rejectTolerance'), 0, Number.MAX_SAFE_INTEGER),
    freshnessMarginHours: whole('freshnessMarginHours', get('freshnessMarginHours'), 1, maxFreshnessWindowHours - 1),
    snowflakeSqsArn: text('snowflakeSqsArn', get('snowflakeSqsArn'), /^$|^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[\w-]{1,80}$/, "must be an SQS queue ARN (the notification_channel of Snowflake's SHOW PIPES), or empty"),
    snowflakeExternalId: text('snowflakeExternalId', get('snowflakeExternalId'), /^$|^[\w+=,.@:/-]{2,1224}$/, "must be the STORAGE_AWS_EXTERNAL_ID of Snowflake's DESC INTEGRATION, or empty"),
    snowflakeIamUserArn: text('snowflakeIamUserArn', get('snowflakeIamUserArn'), /^$|^arn:aws[a-z-]*:iam::\d{12}:user\/[\w+=,.@/-]{1,512}$/, "must be the STORAGE_AWS_IAM_USER_ARN of Snowflake's DESC INTEGRATION, or empty"),
  };
  // Snowflake is set up in two deploys (docs/snowflake.md): the role first, then the queue its pipes
  // report; a queue or a Snowflake user without the external id is a mistake.
  for (const name of ['snowflakeSqsArn', 'snowflakeIamUserArn'] as const) {
    if (config[name] !== '' && config.snowflakeExternalId === '') {
      bad('snowflakeExternalId', '', `is needed with ${contextKey(name)}: Snowflake's role is assumed under it (docs/snowflake.md)`);
    }
  }
  const window = freshnessWindowHours(config);
  if (window === undefined) bad('schedule', config.schedule, 'must run at least weekly (every day, or on named weekdays), or the freshness alarm cannot watch it');
  else if (window > maxFreshnessWindowHours) {
    bad(
      'freshnessMarginHours',
      config.freshnessMarginHours,
      `with the schedule's ${window - config.freshnessMarginHours} h between runs, the freshness window is ${window} h; CloudWatch evaluates an alarm over at most ${maxFreshnessWindowHours} h, so lower the margin or schedule more often`,
    );
  }
  return config;
};
