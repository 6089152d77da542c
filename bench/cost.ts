/**
 * Cost per run on AWS, computed from what the end-to-end runs counted (state transitions, task
 * invocations and their time, Spotify, lake and secret requests, crawls, validation queries) and
 * from the Lambda cold imports, at the list prices of prices.ts.
 */
import { builtAsl } from '../state-machine/built-asl';
import { allStates } from '../state-machine/local-executor';
import { stateNames } from '../state-machine/state-names';
import { assumptions, prices, pricesAsOf, pricesRegion } from './prices';
import type { ResultRow, WorkloadResult } from './report';

/** What one local run of the whole machine did, as the AWS bill would count it. */
export interface RunCounts {
  /** `100 × 100`: playlists × entries. */
  readonly label: string;
  readonly playlists: number;
  readonly entriesPerPlaylist: number;
  readonly dates: number;
  /** States entered plus retries: what Step Functions bills for a standard workflow. */
  readonly stateTransitions: number;
  /** Of those, the run's own (the rest are its playlist child executions'), and of these its poll loops'. */
  readonly parentTransitions: number;
  readonly pollTransitions: number;
  /** Playlist child executions (ForEachPlaylist's iterations) and their local wall seconds in total. */
  readonly children: number;
  readonly childSeconds: number;
  /** Per Task state: how often it ran and the seconds its handler took locally, in total. */
  readonly tasks: Readonly<Record<string, { readonly invocations: number; readonly seconds: number }>>;
  readonly spotifyRequests: number;
  /** Lake requests by kind; DELETE is free on S3 and only counted. */
  readonly lake: { readonly put: number; readonly get: number; readonly list: number; readonly delete: number };
  /** Reads and writes of the credentials and the token cache: Secrets Manager calls in AWS. */
  readonly secretRequests: number;
  /** Crawls the run started: none when StartCrawler registered its partitions in tables already catalogued. */
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

/** How the playlist children run: STANDARD bills their transitions, EXPRESS their requests and duration. */
export type ChildType = 'STANDARD' | 'EXPRESS';

/** How the built ASL runs them (ForEachPlaylist's ProcessorConfig), as deployed. */
const processorConfig = allStates(builtAsl).find(([name]) => name === stateNames.forEachPlaylist)?.[1].ItemProcessor?.['ProcessorConfig'] as
  | { readonly ExecutionType?: string }
  | undefined;
const playlistExecutionType: ChildType = processorConfig?.ExecutionType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';

/**
 * The Step Functions lines: every transition for STANDARD children; for EXPRESS ones the run's own
 * transitions, plus per child one request and its duration (local wall time plus its share of the
 * Spotify latency, rounded up to 100 ms) at the smallest memory chunk (prices.ts `assumptions`).
 */
const stepFunctionsLines = (run: RunCounts, children: ChildType): CostLine[] => {
  if (children === 'STANDARD') {
    return [{ service: 'Step Functions', usage: `${run.stateTransitions} state transitions (run and STANDARD children)`, usd: run.stateTransitions * prices.stepFunctionsPerTransition }];
  }
  const step = prices.stepFunctionsExpressDurationStepSeconds;
  const perChild = run.children === 0 ? 0 : (run.childSeconds + run.spotifyRequests * assumptions.spotifyRequestSeconds) / run.children;
  const gbSeconds = run.children * Math.ceil(perChild / step) * step * (prices.stepFunctionsExpressMemoryChunkMb / 1024);
  return [
    { service: 'Step Functions', usage: `${run.parentTransitions} state transitions (the run)`, usd: run.parentTransitions * prices.stepFunctionsPerTransition },
    {
      service: 'Step Functions EXPRESS children',
      usage: `${run.children} requests, ${gbSeconds.toFixed(1)} GB-s (${perChild.toFixed(2)} s each at 64 MB)`,
      usd: run.children * prices.stepFunctionsExpressPerRequest + gbSeconds * prices.stepFunctionsExpressPerGbSecond,
    },
  ];
};

/**
 * The bill of one run, line by line. Lambda time is the local handler time, plus the network
 * latency the loopback run did not have (prices.ts `assumptions`), plus each function's cold
 * import once (INIT is billed since 2025-08), all at the function's memory; I/O latency is
 * charged at the default memory.
 */
export const costOfRun = (run: RunCounts, coldImportSeconds: Readonly<Record<string, number>>, children: ChildType = playlistExecutionType): CostLine[] => {
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
  const oneCrawl = (prices.glueCrawlerMinimumSecondsPerRun / 3600) * assumptions.glueCrawlerDpus * prices.glueCrawlerPerDpuHour;
  return [
    ...stepFunctionsLines(run, children),
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
      usage: `${run.crawls} crawls started × ${assumptions.glueCrawlerDpus} DPU × ${prices.glueCrawlerMinimumSecondsPerRun / 60} min minimum (${crawlerAssumption}: $${oneCrawl.toFixed(4)} then)`,
      usd: crawlerHours * assumptions.glueCrawlerDpus * prices.glueCrawlerPerDpuHour,
    },
    { service: 'Secrets Manager', usage: `${run.secretRequests} API calls`, usd: run.secretRequests * prices.secretsManagerPerApiCall },
  ];
};

/**
 * When a run crawls: StartCrawler registers a run's partitions itself in staged tables the catalog
 * already holds as core/tables.ts declares, so the bench's runs, on lakes whose tables are
 * catalogued, start none, as a daily run does.
 */
export const crawlerAssumption = 'a run crawls only when a staged table is new or its columns changed, i.e. the first run and the first after a release that changes a table';

/** The scale priced on the line through two measured runs when it was not measured at those entries (issue 14). */
export const extrapolatedPlaylists = 10_000;

/**
 * The counts of a run of `playlists` playlists on the straight line through two measured runs with
 * the same entries per playlist: every count is a fixed part (token, crawl, validation) plus a part
 * per playlist, which two sizes determine; the run's own transitions are the larger run's.
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
    dates: large.dates,
    // The run's own transitions do not grow with playlists (the bench checks it): the larger run's.
    stateTransitions: at(small.stateTransitions - small.parentTransitions, large.stateTransitions - large.parentTransitions) + large.parentTransitions,
    parentTransitions: large.parentTransitions,
    pollTransitions: large.pollTransitions,
    children: at(small.children, large.children),
    childSeconds: at(small.childSeconds, large.childSeconds, false),
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

/** The measured runs, plus {@link extrapolatedPlaylists} on the line through the two largest of each number of entries measured smaller. */
const withExtrapolation = (runs: readonly RunCounts[]): RunCounts[] => {
  const entries = [...new Set(runs.map((run) => run.entriesPerPlaylist))];
  const extrapolated = entries.flatMap((count) => {
    const same = runs.filter((run) => run.entriesPerPlaylist === count).sort((a, b) => a.playlists - b.playlists);
    const [small, large] = same.slice(-2);
    if (!small || !large || small.playlists === large.playlists || large.playlists >= extrapolatedPlaylists) return [];
    return [extrapolateCounts(small, large, extrapolatedPlaylists)];
  });
  return [...runs, ...extrapolated].sort((a, b) => a.playlists - b.playlists || a.entriesPerPlaylist - b.entriesPerPlaylist);
};

/** The target of issue 14: a run of 1,000 playlists costs at most this. */
export const costTargetUsdAt1000 = 0.1;

/** Formats dollars with enough digits to show a fraction of a cent. */
const usd = (value: number): string => `$${value < 0.01 ? value.toFixed(5) : value.toFixed(4)}`;

/**
 * Prices every measured end-to-end run, and {@link extrapolatedPlaylists} playlists on the line
 * through the two largest, with the children as deployed (`playlistExecutionType`, EXPRESS) and,
 * for comparison, the other way (STANDARD); and checks that the run's own transitions per date do
 * not grow with its playlists. The target is judged on the bill as deployed.
 */
export const costWorkload = (measured: readonly RunCounts[], coldImportSeconds: Readonly<Record<string, number>>): WorkloadResult => {
  const runs = withExtrapolation(measured);
  const childTypes: readonly ChildType[] = playlistExecutionType === 'EXPRESS' ? ['EXPRESS', 'STANDARD'] : ['STANDARD', 'EXPRESS'];
  const bills = runs.flatMap((run) =>
    childTypes.map((children) => ({ label: run.label, playlists: run.playlists, children, lines: costOfRun(run, coldImportSeconds, children) })),
  );
  const rows: ResultRow[] = bills.flatMap((bill) => {
    const asDeployed = bill.children === playlistExecutionType;
    const workload = `cost per run ${bill.label} (${bill.children} children${asDeployed ? ', as deployed' : `, if the children were ${bill.children}`})`;
    const total = bill.lines.reduce((sum, line) => sum + line.usd, 0);
    const target = asDeployed && bill.playlists === 1000 ? { target: `≤ $${costTargetUsdAt1000.toFixed(2)}`, pass: total <= costTargetUsdAt1000 } : {};
    return [
      ...bill.lines.map((line) => ({ workload, metric: line.service, value: usd(line.usd), spread: line.usage })),
      { workload, metric: `total (${pricesRegion} list prices of ${pricesAsOf})`, value: usd(total), ...target },
    ];
  });
  if (runs.length === 0) rows.push({ workload: 'cost per run', metric: 'not computed', value: 'needs the end-to-end workload in the same bench run' });
  // The poll loops go round as often as the local crawl and query take to finish: that count
  // follows the machine's load, not the playlists, so it is shown apart and left out of the check.
  if (measured.length >= 2) {
    const fixed = measured.map((run) => (run.parentTransitions - run.pollTransitions) / run.dates);
    rows.push({
      workload: "the run's own state transitions per date (its poll loops' apart)",
      metric: measured.map((run) => run.label).join(' / '),
      value: fixed.join(' / '),
      spread: `+ ${measured.map((run) => run.pollTransitions / run.dates).join(' / ')} polling`,
      target: 'the same at every size',
      pass: fixed.every((count) => count === fixed[0]),
    });
  }
  return { rows, data: { pricesAsOf, pricesRegion, prices, assumptions: { ...assumptions, crawls: crawlerAssumption }, lambdaMemoryMiB, playlistExecutionType, bills } };
};
