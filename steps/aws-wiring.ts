/**
 * The AWS adapters the handlers compose, built from the step's declared resources and the
 * variables they bring, once per cold start and reused by every invocation of the warm function.
 *
 * Each kind of resource has its own module under aws-ports/, and a handler passes the modules its
 * declaration names, no more and no fewer (checked at cold start), so its bundle holds only the
 * SDK clients and adapters the step uses: when this file imported them all, every Lambda
 * evaluated every client and `got`, 930 kB, in 140–250 ms of its cold start (issue 14).
 */
import { performance } from 'node:perf_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type * as t from 'io-ts';
import { maxPageSize } from '../adapters/spotify/endpoints';
import { systemClock } from '../core/dates';
import { leasesPrefix } from '../core/lake/keys';
import { lakePrefixesOf, type StepResources } from '../core/resources';
import { lambdaHandler, type StepDefinition, type StepRunner } from '../core/step';
import { envNames, loadStepEnv, type StepEnv } from './env';
import { countingRequests } from './request-counts';
import { mapStackOf } from './source-mapped-stack';
import { maxPagesPerInvocation } from './extract-items/contract';
import type { StepPorts } from './ports';

/** What a step's logic is built from: its ports, given whole; a step takes the ones it names. */
type Wiring<S extends StepDefinition> = (ports: StepPorts) => StepRunner<S>;

/** The modules that build AWS ports (steps/aws-ports/<kind>.ts), by kind; a handler passes those its declaration names. */
export interface AwsAdapters {
  readonly lake?: (env: StepEnv) => Pick<StepPorts, 'store' | 'leases' | 'lakeName'>;
  readonly spotify?: (env: StepEnv) => Pick<StepPorts, 'spotify' | 'auth' | 'tokens' | 'meter'>;
  readonly crawler?: (env: StepEnv) => Pick<StepPorts, 'catalog'>;
  readonly queries?: (env: StepEnv) => Pick<StepPorts, 'queries'>;
  readonly failureTopic?: (env: StepEnv) => Pick<StepPorts, 'notifier'>;
  readonly restarts?: (env: StepEnv) => Pick<StepPorts, 'restarts'>;
  readonly charts?: (env: StepEnv) => Pick<StepPorts, 'chartLibrary'>;
  readonly tables?: (env: StepEnv) => Pick<StepPorts, 'encoder'>;
}

/** Tables are written below curated/ only: a step whose lake declaration writes there gets the encoder. */
const writesTables = (resources: StepResources): boolean => (resources.lake?.write ?? []).some((prefix) => prefix.startsWith('curated/'));

/** The adapter modules a declaration calls for: each declared resource with AWS behind it, and the encoder for a step writing tables. */
export const adaptersOf = (resources: StepResources): (keyof AwsAdapters)[] => [
  ...(['lake', 'spotify', 'crawler', 'queries', 'failureTopic'] as const).filter((kind) => resources[kind] !== undefined),
  ...(['restarts', 'charts'] as const).filter((kind) => resources[kind] === true),
  ...(writesTables(resources) ? (['tables'] as const) : []),
];

/** Which part of a declaration each port needs, named for the message when the logic reaches for one it lacks. */
const declarationOf = (resources: StepResources): { readonly [K in keyof StepPorts]: readonly [declared: boolean, what: string] } => ({
  store: [resources.lake !== undefined, 'lake'],
  lakeName: [resources.lake !== undefined, 'lake'],
  leases: [lakePrefixesOf(resources.lake).includes(leasesPrefix), `lake prefix ${leasesPrefix}`],
  spotify: [resources.spotify !== undefined, 'spotify'],
  auth: [resources.spotify !== undefined, 'spotify'],
  tokens: [resources.spotify !== undefined, 'spotify'],
  meter: [resources.spotify !== undefined, 'spotify'],
  catalog: [resources.crawler !== undefined, 'crawler'],
  queries: [resources.queries !== undefined, 'queries'],
  notifier: [resources.failureTopic === true, 'failureTopic'],
  restarts: [resources.restarts === true, 'restarts'],
  chartLibrary: [resources.charts === true, 'charts'],
  defaultPlaylists: [resources.defaultPlaylists === true, 'defaultPlaylists'],
  rejectTolerance: [resources.rejectTolerance === true, 'rejectTolerance'],
  encoder: [writesTables(resources), 'a lake write below curated/'],
  // No AWS resource behind these: every step may have them.
  clock: [true, ''],
  pageSize: [true, ''],
  maxPages: [true, ''],
});

/**
 * The ports a step's declaration (core/resources.ts) names, built at cold start from the
 * variables it brings and the adapter modules its handler passes; the SDK clients inside are
 * constructed on their first send. Fails at once when a variable is missing or when the modules
 * passed are not exactly those the declaration calls for. A port the declaration does not name
 * throws when the logic reaches for it, naming the step and the missing declaration: an
 * undeclared resource has no grant and no variable either, so it would fail anyway, only later
 * and less clearly.
 */
export const awsPorts = (step: StepDefinition, adapters: AwsAdapters, processEnv: NodeJS.ProcessEnv = process.env): StepPorts => {
  const { resources } = step;
  const env = loadStepEnv(resources, processEnv);
  const needed = adaptersOf(resources);
  const given = (Object.keys(adapters) as (keyof AwsAdapters)[]).filter((kind) => adapters[kind] !== undefined);
  const missing = needed.filter((kind) => !given.includes(kind));
  const extra = given.filter((kind) => !needed.includes(kind));
  if (missing.length > 0 || extra.length > 0) {
    const problems = [...missing.map((kind) => `it declares ${kind} but passes no ${kind} adapters (steps/aws-ports/)`), ...extra.map((kind) => `it passes ${kind} adapters its declaration does not call for`)];
    throw new Error(`${step.stateName}'s handler must pass exactly the adapters its contract's resources call for: ${problems.join('; ')}`);
  }
  const built: Partial<StepPorts> = Object.assign(
    {
      clock: systemClock,
      pageSize: maxPageSize,
      maxPages: maxPagesPerInvocation,
      defaultPlaylists: env[envNames.defaultPlaylists],
      rejectTolerance: env[envNames.rejectTolerance] ?? 0,
    },
    ...needed.map((kind) => adapters[kind]?.(env)),
  );
  const ports = {} as Record<string, unknown>;
  for (const [name, [declared, what]] of Object.entries(declarationOf(resources))) {
    Object.defineProperty(ports, name, {
      enumerable: true,
      get: () => {
        if (!declared) throw new Error(`${step.stateName} uses ${name}, but its contract's resources do not declare ${what}: add it there (core/resources.ts)`);
        return built[name as keyof StepPorts];
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
 * A step's Lambda entry point: its logic bound to {@link awsPorts} (built at cold start from
 * `adapters`, the aws-ports/ modules its declaration names), under {@link lambdaHandler}, with one JSON log line per invocation,
 * keyed by state and step, and one EMF line of metrics (StepSucceeded or StepFailed, and
 * StepDurationMs; SpotifyApiRequests and SpotifyTokenRequests from the steps that call Spotify)
 * under the `stateName` dimension. Only the outcome and the error's name and
 * message are logged, never the payload: messages are written to carry no secret (core/errors.ts).
 */
export const awsHandler = <S extends StepDefinition>(step: S, wire: Wiring<S>, adapters: AwsAdapters) => {
  const ports = awsPorts(step, adapters);
  // A step that calls Spotify also reports its requests as metrics, beside storing them for the manifest.
  // The Lambda runtime logs the stack of what the handler throws: in source positions, as the functions run without --enable-source-maps.
  // A Lambda sandbox runs one invocation at a time: this is the context of the one running.
  let current: Context | undefined;
  const handle = lambdaHandler(
    step,
    countingRequests(step, ports, wire(ports), {
      onCounted: (requests) => {
        metrics.addMetric('SpotifyApiRequests', MetricUnit.Count, requests.spotifyApi);
        metrics.addMetric('SpotifyTokenRequests', MetricUnit.Count, requests.spotifyToken);
      },
      remainingMs: () => current?.getRemainingTimeInMillis(),
    }),
    mapStackOf,
  );
  return async (event: unknown, context?: Context): Promise<t.OutputOf<S['output']>> => {
    const started = performance.now();
    current = context;
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
