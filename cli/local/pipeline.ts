/**
 * The local composition root: the rendered ASL run by the local executor, every Task bound to its
 * step code over local adapters (a folder as S3, DuckDB as Glue and Athena, 0600 files as Secrets
 * Manager, the emulator or the real Spotify Web API).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { LocalDuckDb } from '../../adapters/local/duckdb-lake';
import { FileCredentialsStore, FileTokenCache, credentialsPath, stateDir, tokenCachePath } from '../../adapters/local/file-secrets';
import { FileDateLeases } from '../../adapters/local/file-date-leases';
import { FsBlobStore } from '../../adapters/local/fs-blob-store';
import { HyparquetTableEncoder } from '../../adapters/parquet/hyparquet-table-encoder';
import { HttpSpotifyApi } from '../../adapters/spotify/http-spotify-api';
import { AsyncRequestMeter } from '../../adapters/spotify/request-meter';
import { SpotifyTokenClient, type SpotifyGrant } from '../../adapters/spotify/spotify-token-client';
import { systemClock } from '../../core/dates';
import { QueryFailedError } from '../../core/errors';
import { requestsPrefix } from '../../core/lake/keys';
import { requestCountsKeptDays } from '../../core/requests';
import type { Catalog, Clock, CredentialsStore, QueryEngine, SpotifyCredentials } from '../../core/ports';
import { builtAsl } from '../../state-machine/built-asl';
import { runLocally, uniformPauses, type ExecutionEvent, type LocalOutcome, type LocalPauses } from '../../state-machine/local-executor';
import type { Asl } from '../../state-machine/render';
import { stateNames } from '../../state-machine/state-names';
import { steps } from '../../steps/registry';
import { localHandlers } from './handlers';

/** Where Spotify is: the embedded emulator, or the real Web API with stored credentials. */
export type SpotifySource =
  | {
      readonly kind: 'emulator';
      readonly apiBaseUrl: string;
      readonly accountsBaseUrl: string;
      readonly credentials: SpotifyCredentials;
      /** The playlists the emulator serves: the run's default list. */
      readonly playlistIds: readonly string[];
    }
  | {
      readonly kind: 'spotify';
      readonly apiBaseUrl: string;
      readonly accountsBaseUrl: string;
      readonly credentials: CredentialsStore;
      readonly grant: SpotifyGrant;
    };

/** What a local run needs. */
export interface PipelineOptions {
  /** The lake folder (absolute). */
  readonly lake: string;
  /** The execution input, as the console or the scheduler would send it. */
  readonly request: unknown;
  readonly source: SpotifySource;
  /** What "today" is for the run's input rules and manifests (token expiry always uses real time). @default the system clock */
  readonly clock?: Clock;
  /** The rendered definition. @default state-machine/asl.json, the build's rendering */
  readonly asl?: Asl;
  readonly onEvent?: (event: ExecutionEvent) => void;
  /** Sees each Task's payload and result (the golden recorder, test/contract/record-goldens.ts). */
  readonly onTask?: (stateName: string, payload: unknown, result: unknown) => void;
  /** Stops the run (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Pages per ExtractItems invocation. @default the contract's budget */
  readonly maxPages?: number;
  /** Entries that may fail to decode before a date fails validation (`run --reject-tolerance N`). @default 0 */
  readonly rejectTolerance?: number;
  /**
   * The DuckDB of the local catalog and queries, left open for the caller to close: `run` asks
   * its summary's sample of it, where the report's queries left the published views defined.
   * @default one of the run's own, closed when the run ends
   */
  readonly duckDb?: LocalDuckDb;
}

/** How a local run ended, and what it told the operators. */
export interface PipelineRun {
  readonly executionName: string;
  readonly outcome: LocalOutcome;
  /** The notifications NotifyFailure sent (SNS in AWS). */
  readonly notifications: readonly { subject: string; message: string }[];
  /** HTTP requests this run's Spotify clients sent (retries included): to the Web API and for tokens. */
  readonly requests: { readonly spotifyApi: number; readonly spotifyToken: number };
}

/** The states that talk to Spotify: against the real API their waits and retries stay as written. */
const spotifyFacing = [
  steps.fetchToken.stateName,
  steps.getPlaylist.stateName,
  steps.extractItems.stateName,
  stateNames.extractPlaylist,
  stateNames.waitForMetadata,
  stateNames.waitRetryAfter,
];

/**
 * Local pauses: retries immediate; no wait before polling the local crawl or a validation query,
 * whose statuses answer only once they have finished ({@link polledWhenSettled}); Spotify's own
 * waits kept when the source is the real API, where answering a Retry-After early lengthens the
 * penalty.
 */
export const localPauses = (asl: Asl, source: SpotifySource['kind']): LocalPauses => {
  const base = uniformPauses(asl, 0, source === 'spotify' ? spotifyFacing : []);
  return { ...base, waitMs: { ...base.waitMs, [stateNames.waitForCrawler]: 0, [stateNames.waitForQuery]: 0 } };
};

/**
 * The run's steps' calls on its DuckDB: none starts once the run has ended, and {@link end}
 * waits for those under way, so DuckDB closes under no query. The executor does not wait for a
 * step still running when the execution failed: after one date failed validation, another date's
 * validation went on and queried while the run closed DuckDB (a segmentation fault).
 */
const duckDbCalls = () => {
  const underWay = new Set<Promise<unknown>>();
  let ended = false;
  return {
    call: <T>(work: () => Promise<T>): Promise<T> => {
      if (ended) return Promise.reject(new QueryFailedError('the run has ended: its DuckDB takes no more work'));
      const call = work();
      underWay.add(call);
      const forget = () => void underWay.delete(call);
      call.then(forget, forget);
      return call;
    },
    end: async (): Promise<void> => {
      ended = true;
      while (underWay.size > 0) await Promise.allSettled([...underWay]);
    },
  };
};
type DuckDbCalls = ReturnType<typeof duckDbCalls>;

/**
 * The local catalog and query engine as PollCrawler and PollValidation see them: a status asked
 * while the crawl or the query runs answers when it has finished (a long poll), so the machine
 * spends one poll and no wait on work that takes a fraction of a second here; waiting 500 ms for
 * the crawl, then 200 ms for each date's query, was most of a one-playlist run's idle time.
 */
const polledWhenSettled = {
  catalog: (catalog: Catalog & { settled(): Promise<void> }, calls: DuckDbCalls): Catalog => ({
    startCrawl: () => calls.call(() => catalog.startCrawl()),
    registerPartitions: (partitions) => calls.call(() => catalog.registerPartitions(partitions)),
    crawlStatus: () =>
      calls.call(async () => {
        await catalog.settled();
        return catalog.crawlStatus();
      }),
  }),
  queries: (engine: QueryEngine & { settled(queryId: string): Promise<void> }, calls: DuckDbCalls): QueryEngine => ({
    start: (sql) => calls.call(() => engine.start(sql)),
    status: (queryId) =>
      calls.call(async () => {
        await engine.settled(queryId);
        return engine.status(queryId);
      }),
    results: (queryId) => calls.call(() => engine.results(queryId)),
  }),
};

/** An execution name in the form Step Functions accepts: unique, and sortable by start time. */
const executionNameAt = (now: Date): string =>
  `local-${now.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;

/**
 * The emulator's credentials, in memory: they are made afresh by each emulator and die with it,
 * so they never touch real ones, and two runs on one lake (each with its own emulator) cannot
 * read each other's, as they could from one shared file (the second run's write made the
 * first's token request fail with invalid_client).
 */
const emulatorCredentials = (credentials: SpotifyCredentials): CredentialsStore => {
  let current = credentials;
  return {
    read: async () => current,
    saveRefreshToken: async (refreshToken, refreshTokenFirstSeen) => void (current = { ...current, refreshToken, refreshTokenFirstSeen }),
    recordRefreshTokenFirstSeen: async (refreshToken, refreshTokenFirstSeen) => {
      if (current.refreshToken === refreshToken && current.refreshTokenFirstSeen === undefined) current = { ...current, refreshTokenFirstSeen };
    },
  };
};

/** Runs the pipeline once on this machine and returns how it ended. */
export const runPipeline = async (options: PipelineOptions): Promise<PipelineRun> => {
  const clock = options.clock ?? systemClock;
  const asl = options.asl ?? builtAsl;
  const { source, lake } = options;
  // Counted where the requests are sent, so retries count and nothing the server did not get does.
  // The run's total is counted here; the meter attributes each request to the step invocation it was sent for (the manifests' counts).
  const requests = { spotifyApi: 0, spotifyToken: 0 };
  const meter = new AsyncRequestMeter();
  const credentials = source.kind === 'emulator' ? emulatorCredentials(source.credentials) : source.credentials;
  const tokens = new FileTokenCache(source.kind === 'emulator' ? join(stateDir(lake), 'emulator', 'token-cache.json') : tokenCachePath(lake));
  const auth = new SpotifyTokenClient({
    accountsBaseUrl: source.accountsBaseUrl,
    credentials,
    grant: source.kind === 'emulator' ? 'refresh_token' : source.grant,
    onRequest: () => {
      requests.spotifyToken += 1;
      meter.tokenRequest();
    },
    // Once stopped, no request leaves: neither a page a running step would read next nor a token.
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const notifications: { subject: string; message: string }[] = [];
  // Lease times are real times, whatever date the run is told it is.
  const leases = new FileDateLeases(lake, systemClock);
  const executionName = executionNameAt(clock.now());
  const store = new FsBlobStore(lake);
  // What killed runs left half-written: harmless to readers, but it would pile up. So would the
  // request counts, which a lifecycle rule expires on AWS.
  await store.sweepTemporaryFiles();
  await store.expireFoldersBelow(requestsPrefix, requestCountsKeptDays * 24 * 60 * 60_000);
  // DuckDB (a native module) loads only when a run starts, not for `run --help` or a usage mistake.
  const { DuckDbCatalog, DuckDbQueryEngine, openDuckDb } = await import('../../adapters/local/duckdb-catalog');
  const db = options.duckDb ?? (await openDuckDb());
  const catalog = new DuckDbCatalog(lake, db.connection);
  // Validation reads candidates only; the published views are built for WriteReport's queries alone.
  const engine = new DuckDbQueryEngine(lake, db.connection, { staged: true, published: 'when-named' });
  const calls = duckDbCalls();
  try {
    const handlers = await localHandlers({
      store,
      lakeName: lake,
      spotify: new HttpSpotifyApi({
        apiBaseUrl: source.apiBaseUrl,
        tokens,
        auth,
        ...(options.signal ? { signal: options.signal } : {}),
        onRequest: () => {
          requests.spotifyApi += 1;
          meter.apiRequest();
        },
      }),
      meter,
      auth,
      tokens,
      encoder: new HyparquetTableEncoder(),
      catalog: polledWhenSettled.catalog(catalog, calls),
      queries: polledWhenSettled.queries(engine, calls),
      notifier: { notify: async (subject, message) => void notifications.push({ subject, message }) },
      clock,
      leases,
      defaultPlaylists: source.kind === 'emulator' ? source.playlistIds : [],
      ...(options.maxPages === undefined ? {} : { maxPages: options.maxPages }),
      ...(options.rejectTolerance === undefined ? {} : { rejectTolerance: options.rejectTolerance }),
    });
    const { onTask } = options;
    const observed = onTask
      ? Object.fromEntries(Object.entries(handlers).map(([name, handler]) => [name, async (payload: unknown) => {
          const result = await handler(payload);
          onTask(name, payload, result);
          return result;
        }]))
      : handlers;
    const outcome = await runLocally({
      asl,
      handlers: observed,
      input: options.request,
      executionName,
      pauses: localPauses(asl, source.kind),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { executionName, outcome, notifications, requests: { ...requests } };
  } finally {
    // A run stopped where no Catch reaches (Ctrl-C) leaves no lock behind while this process lives on.
    await leases.releaseAll(executionName);
    // A stopped or failed run can leave a crawl or a validation query running; closing under it would hang it, or crash.
    await calls.end();
    await Promise.all([catalog.settled(), engine.idle()]);
    if (options.duckDb === undefined) db.close();
  }
};

/** The stored credentials of `--source spotify`: those `auth login` saved under the lake. */
export const storedSpotifyCredentials = (lake: string): CredentialsStore => new FileCredentialsStore(credentialsPath(lake));
