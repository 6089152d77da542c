/**
 * Cost per run on AWS, computed from what the end-to-end runs counted (state transitions, task
 * invocations and their time, Spotify, lake and secret requests, crawls, validation queries) and
 * from the Lambda cold imports, at the list prices of prices.ts.
 */
import { maxPlaylistsPerRun } from '../core/run-input';
import { assumptions, prices, pricesAsOf, pricesRegion } from './prices';
import type { ResultRow, WorkloadResult } from './report';

/** What one local run of the whole machine did, as the AWS bill would count it. */
export interface RunCounts {
  /** `100 × 100`: playlists × entries. */
  readonly label: string;
  readonly playlists: number;
  readonly entriesPerPlaylist: number;
  /** States entered plus retries: what Step Functions bills for a standard workflow. */
  readonly stateTransitions: number;
  /** Per Task state: how often it ran and the seconds its handler took locally, in total. */
  readonly tasks: Readonly<Record<string, { readonly invocations: number; readonly seconds: number }>>;
  readonly spotifyRequests: number;
  /** Lake requests by kind; DELETE is free on S3 and only counted. */
  readonly lake: { readonly put: number; readonly get: number; readonly list: number; readonly delete: number };
  /** Reads and writes of the credentials and the token cache: Secrets Manager calls in AWS. */
  readonly secretRequests: number;
  readonly crawls: number;
  readonly validationQueries: number;
  /** Bytes of the curated partitions the validation query reads at most. */
  readonly curatedBytes: number;
}

/** Lambda memory per step as infra/step-function.ts sets it; steps not named get the default. */
// infra/step-function.ts does not export its table, so it is repeated here: keep the two equal.
const lambdaMemoryMiB: { readonly default: number; readonly [stateName: string]: number } = { default: 256, Normalise: 1024 };

const memoryGbOf = (stateName: string): number => (lambdaMemoryMiB[stateName] ?? lambdaMemoryMiB.default) / 1024;

/** One priced line of a run's bill. */
export interface CostLine {
  readonly service: string;
  readonly usage: string;
  readonly usd: number;
}

/**
 * The bill of one run, line by line. Lambda time is the local handler time, plus the network
 * latency the loopback run did not have (prices.ts `assumptions`), plus each function's cold
 * import once (INIT is billed since 2025-08), all at the function's memory; I/O latency is
 * charged at the default memory.
 */
export const costOfRun = (run: RunCounts, coldImportSeconds: Readonly<Record<string, number>>): CostLine[] => {
  const tasks = Object.entries(run.tasks);
  const invocations = tasks.reduce((sum, [, task]) => sum + task.invocations, 0);
  const lakeRequests = run.lake.put + run.lake.get + run.lake.list;
  const ioSeconds =
    run.spotifyRequests * assumptions.spotifyRequestSeconds +
    lakeRequests * assumptions.s3RequestSeconds +
    run.secretRequests * assumptions.secretsManagerRequestSeconds;
  const gbSeconds =
    tasks.reduce((sum, [stateName, task]) => sum + memoryGbOf(stateName) * (task.seconds + (coldImportSeconds[stateName] ?? 0)), 0) +
    memoryGbOf('default') * ioSeconds;
  const scannedBytes = run.validationQueries === 0 ? 0 : Math.max(prices.athenaMinimumBytesPerQuery, Math.ceil(run.curatedBytes / 1e6) * 1e6);
  const crawlerHours = (run.crawls * prices.glueCrawlerMinimumSecondsPerRun) / 3600;
  return [
    { service: 'Step Functions', usage: `${run.stateTransitions} state transitions`, usd: run.stateTransitions * prices.stepFunctionsPerTransition },
    {
      service: 'Lambda (arm64)',
      usage: `${invocations} invocations, ${gbSeconds.toFixed(1)} GB-s`,
      usd: invocations * prices.lambdaPerRequest + gbSeconds * prices.lambdaArmPerGbSecond,
    },
    {
      service: 'S3 requests',
      usage: `${run.lake.put} PUT, ${run.lake.list} LIST, ${run.lake.get} GET`,
      usd: (run.lake.put + run.lake.list) * prices.s3PutCopyPostListPerRequest + run.lake.get * prices.s3GetPerRequest,
    },
    {
      service: 'Athena',
      usage: `${run.validationQueries} queries, ${(scannedBytes / 1e6).toFixed(0)} MB billed (10 MB minimum)`,
      usd: (scannedBytes / 1e12) * prices.athenaPerTerabyteScanned,
    },
    {
      service: 'Glue crawler',
      usage: `${run.crawls} crawls × ${assumptions.glueCrawlerDpus} DPU × ${prices.glueCrawlerMinimumSecondsPerRun / 60} min minimum`,
      usd: crawlerHours * assumptions.glueCrawlerDpus * prices.glueCrawlerPerDpuHour,
    },
    { service: 'Secrets Manager', usage: `${run.secretRequests} API calls`, usd: run.secretRequests * prices.secretsManagerPerApiCall },
  ];
};

/** The scale priced beyond what one execution runs today (issue 14). */
export const extrapolatedPlaylists = 10_000;

/**
 * The counts of a run of `playlists` playlists on the straight line through two measured runs with
 * the same entries per playlist: every count is a fixed part (token, crawl, validation, the run's
 * own states) plus a part per playlist, which two sizes determine.
 */
export const extrapolateCounts = (small: RunCounts, large: RunCounts, playlists: number): RunCounts => {
  const at = (a: number, b: number, integer = true): number => {
    const value = a + ((b - a) * (playlists - small.playlists)) / (large.playlists - small.playlists);
    return integer ? Math.round(value) : value;
  };
  const stateNames = [...new Set([...Object.keys(small.tasks), ...Object.keys(large.tasks)])];
  const zero = { invocations: 0, seconds: 0 };
  return {
    label: `${playlists.toLocaleString('en-US')} × ${large.entriesPerPlaylist} (extrapolated)`,
    playlists,
    entriesPerPlaylist: large.entriesPerPlaylist,
    stateTransitions: at(small.stateTransitions, large.stateTransitions),
    tasks: Object.fromEntries(
      stateNames.map((name) => {
        const [a, b] = [small.tasks[name] ?? zero, large.tasks[name] ?? zero];
        return [name, { invocations: at(a.invocations, b.invocations), seconds: at(a.seconds, b.seconds, false) }];
      }),
    ),
    spotifyRequests: at(small.spotifyRequests, large.spotifyRequests),
    lake: {
      put: at(small.lake.put, large.lake.put),
      get: at(small.lake.get, large.lake.get),
      list: at(small.lake.list, large.lake.list),
      delete: at(small.lake.delete, large.lake.delete),
    },
    secretRequests: at(small.secretRequests, large.secretRequests),
    crawls: at(small.crawls, large.crawls),
    validationQueries: at(small.validationQueries, large.validationQueries),
    curatedBytes: at(small.curatedBytes, large.curatedBytes),
  };
};

/** The measured runs, plus {@link extrapolatedPlaylists} on the line through the two largest of equal entries. */
const withExtrapolation = (runs: readonly RunCounts[]): RunCounts[] => {
  const [small, large] = [...runs].sort((a, b) => a.playlists - b.playlists).slice(-2);
  if (!small || !large || small.entriesPerPlaylist !== large.entriesPerPlaylist || small.playlists === large.playlists) return [...runs];
  return [...runs, extrapolateCounts(small, large, extrapolatedPlaylists)];
};

/** Formats dollars with enough digits to show a fraction of a cent. */
const usd = (value: number): string => `$${value < 0.01 ? value.toFixed(5) : value.toFixed(4)}`;

/**
 * Prices every measured end-to-end run, and {@link extrapolatedPlaylists} playlists on the line
 * through the two largest; the Lambda workload's cold imports are used when it ran.
 */
export const costWorkload = (measured: readonly RunCounts[], coldImportSeconds: Readonly<Record<string, number>>): WorkloadResult => {
  const runs = withExtrapolation(measured);
  const bills = runs.map((run) => ({ label: run.label, lines: costOfRun(run, coldImportSeconds) }));
  const rows: ResultRow[] = bills.flatMap((bill) => {
    const workload = `cost per run ${bill.label}`;
    const total = bill.lines.reduce((sum, line) => sum + line.usd, 0);
    return [
      ...bill.lines.map((line) => ({ workload, metric: line.service, value: usd(line.usd), spread: line.usage })),
      { workload, metric: `total (${pricesRegion} list prices of ${pricesAsOf})`, value: usd(total) },
    ];
  });
  if (runs.length === 0) rows.push({ workload: 'cost per run', metric: 'not computed', value: 'needs the end-to-end workload in the same bench run' });
  if (runs.length > measured.length) {
    rows.push({
      workload: `cost per run ${extrapolatedPlaylists.toLocaleString('en-US')} × …`,
      metric: `STANDARD as today; one execution takes ≤ ${maxPlaylistsPerRun} playlists`,
      value: 'EXPRESS children: issue 14 item 1',
    });
  }
  return { rows, data: { pricesAsOf, pricesRegion, prices, assumptions, lambdaMemoryMiB, bills } };
};
