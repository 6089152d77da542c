/**
 * The AWS adapters the handlers compose, each built from decoded environment variables. Clients
 * are created once per cold start and reused by every invocation of the warm function.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { performance } from 'node:perf_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type * as t from 'io-ts';
import { AthenaQueryEngine } from '../adapters/aws/athena-query-engine';
import { GlueCatalog } from '../adapters/aws/glue-catalog';
import { S3BlobStore } from '../adapters/aws/s3-blob-store';
import { S3DateLeases } from '../adapters/aws/s3-date-leases';
import { SecretsManagerCredentialsStore } from '../adapters/aws/secrets-manager-credentials-store';
import { SecretsManagerTokenCache } from '../adapters/aws/secrets-manager-token-cache';
import { SnsNotifier } from '../adapters/aws/sns-notifier';
import { GotSpotifyApi } from '../adapters/spotify/got-spotify-api';
import { SpotifyTokenClient } from '../adapters/spotify/spotify-token-client';
import { systemClock } from '../core/dates';
import type { BlobStore, Catalog, DateLeases, Notifier, QueryEngine, SpotifyApi, SpotifyAuth } from '../core/ports';
import { lambdaHandler, type StepDefinition, type StepRunner } from '../core/step';
import type { CrawlerEnv, FailureTopicEnv, LakeEnv, QueriesEnv, SpotifyEnv } from './env';

/**
 * One client of a kind per function, made when a step first calls it: a handler that never uses
 * a kind never constructs it, and the lake store and the leases share one S3 client. (Plain
 * functions, not a module-level call: esbuild then leaves unused kinds out of a handler's bundle.)
 */
let s3Client: S3Client | undefined;
const s3 = (): S3Client => (s3Client ??= new S3Client({}));
let secretsManagerClient: SecretsManagerClient | undefined;
const secretsManager = (): SecretsManagerClient => (secretsManagerClient ??= new SecretsManagerClient({}));

/**
 * A client that is constructed on its first call rather than at cold start (constructing one
 * resolves region, credentials provider and middleware); the adapters only ever call `send`.
 */
const onFirstSend = <C extends { send: (...args: never[]) => unknown }>(make: () => C): C => {
  let client: C | undefined;
  return { send: (...args: Parameters<C['send']>) => (client ??= make()).send(...args) } as unknown as C;
};

/** The lake bucket as a BlobStore. */
export const lakeStore = (env: t.TypeOf<typeof LakeEnv>): BlobStore => new S3BlobStore(onFirstSend(s3), env.LAKE_BUCKET_NAME);

/** The date leases below `leases/` in the lake bucket (one writer per date). */
export const dateLeases = (env: t.TypeOf<typeof LakeEnv>): DateLeases => new S3DateLeases(onFirstSend(s3), env.LAKE_BUCKET_NAME, systemClock);

/** The token endpoint, with the credentials secret. */
export const spotifyAuth = (env: t.TypeOf<typeof SpotifyEnv>, secrets = onFirstSend(secretsManager)): SpotifyAuth =>
  new SpotifyTokenClient({
    accountsBaseUrl: env.SPOTIFY_ACCOUNTS_BASE_URL,
    credentials: new SecretsManagerCredentialsStore(secrets, env.SPOTIFY_CREDENTIALS_SECRET_ID),
    grant: env.SPOTIFY_GRANT,
  });

/** The token cache secret FetchToken writes and the extraction steps read. */
export const tokenCache = (env: t.TypeOf<typeof SpotifyEnv>, secrets = onFirstSend(secretsManager)): SecretsManagerTokenCache =>
  new SecretsManagerTokenCache(secrets, env.SPOTIFY_TOKEN_CACHE_SECRET_ID);

/** The Web API, reading the cached token and refreshing it once on a 401. */
export const spotifyApi = (env: t.TypeOf<typeof SpotifyEnv>): SpotifyApi => {
  return new GotSpotifyApi({ apiBaseUrl: env.SPOTIFY_API_BASE_URL, tokens: tokenCache(env), auth: spotifyAuth(env) });
};

/** The Glue crawler. */
export const glueCatalog = (env: t.TypeOf<typeof CrawlerEnv>): Catalog => new GlueCatalog(onFirstSend(() => new GlueClient({})), env.GLUE_CRAWLER_NAME);

/** Athena in the stack's workgroup and database. */
export const athenaQueries = (env: t.TypeOf<typeof QueriesEnv>): QueryEngine =>
  new AthenaQueryEngine(onFirstSend(() => new AthenaClient({})), { workGroup: env.ATHENA_WORKGROUP, database: env.GLUE_DATABASE_NAME });

/** The failure topic. */
export const failureNotifier = (env: t.TypeOf<typeof FailureTopicEnv>): Notifier => new SnsNotifier(onFirstSend(() => new SNSClient({})), env.FAILURE_TOPIC_ARN);

/** Structured JSON logs (Powertools): service, level and sampling come from the function's POWERTOOLS_* variables. */
const logger = new Logger();

/**
 * CloudWatch metrics written as EMF log lines (Powertools), so no PutMetricData call or grant is
 * needed: namespace and service come from POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME.
 */
const metrics = new Metrics();

/**
 * A step's Lambda entry point: {@link lambdaHandler} with one JSON log line per invocation,
 * keyed by state and step, and one EMF line of metrics (StepSucceeded or StepFailed, and
 * StepDurationMs) under the `stateName` dimension. Only the outcome and the error's name and
 * message are logged, never the payload: messages are written to carry no secret (core/errors.ts).
 */
export const awsHandler = <S extends StepDefinition>(step: S, run: StepRunner<S>) => {
  const handle = lambdaHandler(step, run);
  return async (event: unknown, context?: Context): Promise<t.OutputOf<S['output']>> => {
    const started = performance.now();
    if (context) logger.addContext(context);
    logger.appendKeys({ stateName: step.stateName, stepName: step.dir });
    metrics.addDimension('stateName', step.stateName);
    try {
      const output = await handle(event);
      logger.info('step succeeded');
      metrics.addMetric('StepSucceeded', MetricUnit.Count, 1);
      return output;
    } catch (error) {
      const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
      logger.error('step failed', { errorName: name, errorMessage: message });
      metrics.addMetric('StepFailed', MetricUnit.Count, 1);
      throw error;
    } finally {
      metrics.addMetric('StepDurationMs', MetricUnit.Milliseconds, performance.now() - started);
      // Metrics are buffered: publish them with this invocation, as the sandbox may be frozen or ended after it.
      metrics.publishStoredMetrics();
    }
  };
};
