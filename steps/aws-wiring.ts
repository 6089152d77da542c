/**
 * The AWS adapters the handlers compose, built from the step's declared resources and the
 * variables they bring. Clients are created once per cold start and reused by every invocation
 * of the warm function.
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
import { readChartLibrary } from '../adapters/charts/echarts-library';
import { HyparquetTableEncoder } from '../adapters/parquet/hyparquet-table-encoder';
import { AthenaQueryEngine } from '../adapters/aws/athena-query-engine';
import { GlueCatalog } from '../adapters/aws/glue-catalog';
import { S3BlobStore } from '../adapters/aws/s3-blob-store';
import { S3DateLeases } from '../adapters/aws/s3-date-leases';
import { SecretsManagerCredentialsStore } from '../adapters/aws/secrets-manager-credentials-store';
import { SecretsManagerTokenCache } from '../adapters/aws/secrets-manager-token-cache';
import { SchedulerRunRestarts } from '../adapters/aws/scheduler-run-restarts';
import { SnsNotifier } from '../adapters/aws/sns-notifier';
import { GotSpotifyApi, maxPageSize } from '../adapters/spotify/got-spotify-api';
import { AsyncRequestMeter } from '../adapters/spotify/request-meter';
import { SpotifyTokenClient } from '../adapters/spotify/spotify-token-client';
import { systemClock } from '../core/dates';
import { leasesPrefix } from '../core/lake/keys';
import type { SpotifyAuth, TokenCache } from '../core/ports';
import { lakePrefixesOf } from '../core/resources';
import { lambdaHandler, type StepDefinition, type StepRunner } from '../core/step';
import { envNames, loadStepEnv } from './env';
import { countingRequests } from './request-counts';
import { maxPagesPerInvocation } from './extract-items/contract';
import type { StepPorts } from './ports';

/**
 * A client that is constructed on its first call rather than at cold start (constructing one
 * resolves region, credentials provider and middleware); the adapters only ever call `send`.
 */
const onFirstSend = <C extends { send: (...args: never[]) => unknown }>(make: () => C): C => {
  let client: C | undefined;
  return { send: (...args: Parameters<C['send']>) => (client ??= make()).send(...args) } as unknown as C;
};

/** What a step's logic is built from: its ports, given whole; a step takes the ones it names. */
type Wiring<S extends StepDefinition> = (ports: StepPorts) => StepRunner<S>;

/**
 * The ports a step's declaration (core/resources.ts) names, built from the variables it brings,
 * each on first use and once per cold start. A port the declaration does not name throws when the
 * logic reaches for it, naming the step and the missing declaration: an undeclared resource has
 * no grant and no variable either, so it would fail anyway, only later and less clearly.
 */
export const awsPorts = (step: StepDefinition, processEnv: NodeJS.ProcessEnv = process.env): StepPorts => {
  const { resources } = step;
  const env = loadStepEnv(resources, processEnv);
  const value = <T>(v: T | undefined): T => v as T;
  // One client of a kind per function, shared by the ports that use it (the lake store and the
  // leases share S3), and constructed on its first send, not at cold start.
  const s3 = onFirstSend(() => new S3Client({}));
  const secrets = onFirstSend(() => new SecretsManagerClient({}));
  const s3Client = (): S3Client => s3;
  const secretsClient = (): SecretsManagerClient => secrets;
  const bucket = value(env[envNames.lakeBucket]);
  const meter = new AsyncRequestMeter();
  const auth = (): SpotifyAuth =>
    new SpotifyTokenClient({
      accountsBaseUrl: value(env[envNames.accountsBaseUrl]),
      credentials: new SecretsManagerCredentialsStore(secretsClient(), value(env[envNames.credentialsSecret])),
      grant: value(env[envNames.grant]),
      onRequest: meter.tokenRequest,
    });
  const tokens = (): TokenCache => new SecretsManagerTokenCache(secretsClient(), value(env[envNames.tokenCacheSecret]));
  const makers: { [K in keyof StepPorts]: [declared: boolean, what: string, make: () => StepPorts[K]] } = {
    store: [resources.lake !== undefined, 'lake', () => new S3BlobStore(s3Client(), bucket)],
    leases: [lakePrefixesOf(resources.lake).includes(leasesPrefix), `lake prefix ${leasesPrefix}`, () => new S3DateLeases(s3Client(), bucket, systemClock)],
    spotify: [
      resources.spotify !== undefined,
      'spotify',
      () => new GotSpotifyApi({ apiBaseUrl: value(env[envNames.apiBaseUrl]), tokens: tokens(), auth: auth(), onRequest: meter.apiRequest }),
    ],
    meter: [resources.spotify !== undefined, 'spotify', () => meter],
    auth: [resources.spotify !== undefined, 'spotify', auth],
    tokens: [resources.spotify !== undefined, 'spotify', tokens],
    catalog: [resources.crawler !== undefined, 'crawler', () => new GlueCatalog(onFirstSend(() => new GlueClient({})), value(env[envNames.crawlerName]))],
    queries: [
      resources.queries !== undefined,
      'queries',
      () => new AthenaQueryEngine(onFirstSend(() => new AthenaClient({})), { workGroup: value(env[envNames.workGroup]), database: value(env[envNames.databaseName]) }),
    ],
    notifier: [resources.failureTopic === true, 'failureTopic', () => new SnsNotifier(onFirstSend(() => new SNSClient({})), value(env[envNames.failureTopicArn]))],
    restarts: [
      resources.restarts === true,
      'restarts',
      () => new SchedulerRunRestarts({ stateMachineArn: value(env[envNames.stateMachineArn]), roleArn: value(env[envNames.restartRoleArn]), group: value(env[envNames.restartGroup]) }),
    ],
    defaultPlaylists: [resources.defaultPlaylists === true, 'defaultPlaylists', () => value(env[envNames.defaultPlaylists])],
    rejectTolerance: [resources.rejectTolerance === true, 'rejectTolerance', () => env[envNames.rejectTolerance] ?? 0],
    chartLibrary: [resources.charts === true, 'charts', () => readChartLibrary],
    // No AWS resource behind these: every step may have them.
    encoder: [true, '', () => new HyparquetTableEncoder()],
    clock: [true, '', () => systemClock],
    pageSize: [true, '', () => maxPageSize],
    maxPages: [true, '', () => maxPagesPerInvocation],
  };
  const ports = {} as Record<string, unknown>;
  for (const [name, [declared, what, make]] of Object.entries(makers)) {
    let built: unknown;
    Object.defineProperty(ports, name, {
      enumerable: true,
      get: () => {
        if (!declared) throw new Error(`${step.stateName} uses ${name}, but its contract's resources do not declare ${what}: add it there (core/resources.ts)`);
        return (built ??= make());
      },
    });
  }
  return ports as unknown as StepPorts;
};

/** Structured JSON logs (Powertools): service, level and sampling come from the function's POWERTOOLS_* variables. */
const logger = new Logger();

/**
 * CloudWatch metrics written as EMF log lines (Powertools), so no PutMetricData call or grant is
 * needed: namespace and service come from POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME.
 */
const metrics = new Metrics();

/**
 * A step's Lambda entry point: its logic bound to {@link awsPorts} (decoded at cold start), under
 * {@link lambdaHandler}, with one JSON log line per invocation,
 * keyed by state and step, and one EMF line of metrics (StepSucceeded or StepFailed, and
 * StepDurationMs; SpotifyApiRequests and SpotifyTokenRequests from the steps that call Spotify)
 * under the `stateName` dimension. Only the outcome and the error's name and
 * message are logged, never the payload: messages are written to carry no secret (core/errors.ts).
 */
export const awsHandler = <S extends StepDefinition>(step: S, wire: Wiring<S>) => {
  const ports = awsPorts(step);
  // A step that calls Spotify also reports its requests as metrics, beside storing them for the manifest.
  const handle = lambdaHandler(step, countingRequests(step, ports, wire(ports), (requests) => {
    metrics.addMetric('SpotifyApiRequests', MetricUnit.Count, requests.spotifyApi);
    metrics.addMetric('SpotifyTokenRequests', MetricUnit.Count, requests.spotifyToken);
  }));
  return async (event: unknown, context?: Context): Promise<t.OutputOf<S['output']>> => {
    const started = performance.now();
    if (context) logger.addContext(context);
    logger.appendKeys({ stateName: step.stateName, stepName: step.dir });
    metrics.addDimension('stateName', step.stateName);
    try {
      const output = await handle(event);
      logger.info('step succeeded');
      metrics.addMetric('StepSucceeded', MetricUnit.Count, 1);
      for (const metric of step.metricsOf?.(output) ?? []) metrics.addMetric(metric.name, metric.unit, metric.value);
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
