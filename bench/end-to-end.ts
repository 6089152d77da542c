/**
 * End to end: `spotify-etl run` on the emulator's synthetic catalog of 100 and 1,000 playlists of
 * 100 entries, and 10,000 playlists of 10 (issue 14: one execution, under 2 GiB). The emulator
 * serves the catalog it is asked for and the playlists are passed to the command by id
 * (`--playlists @FILE`), so every size runs as one execution. The emulator runs here, in the parent,
 * with its rolling rate limit off: with its default (600 requests per 30 s) a run of 1,000
 * playlists is bounded by the limit, at least 150 s of Retry-After, not by the pipeline.
 *
 * Each timed run is the command a user starts, `node bin/spotify-etl.js run --source spotify …` (the
 * bundle `npm ci` builds; bench/run.ts rebuilds it first), in a fresh process on a fresh lake whose
 * tables are catalogued (a daily run's, which starts no crawl), so its wall time is process start to
 * exit. What AWS would bill (state transitions, lake and secret requests, task seconds) is counted
 * in one more run per size, through bench/end-to-end-child.ts, whose counters wrap the TypeScript
 * modules' prototypes under tsx: not the program a user runs (its start-up alone is slower), so
 * its time is reported beside, never as, the run's.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startEmulator } from '../adapters/spotify/emulator/server';
import { writeCatalogRecord } from '../adapters/local/duckdb-lake';
import { curatedTablePrefix } from '../core/lake/keys';
import { tableNames } from '../core/tables';
import type { RunCounts } from './cost';
import type { ChildReport, ChildRequest } from './end-to-end-child';
import { formatSample, mib, secondsOf, summarise, type BenchContext, type ResultRow, type Sample, type WorkloadResult } from './report';

/** One catalog size, with its targets. */
interface Scale {
  readonly playlists: number;
  readonly entries: number;
  /** Wall-time target (issue 6), where there is one. */
  readonly targetSeconds?: number;
  readonly peakTargetBytes: number;
  /** At most this many runs, whatever `--runs` says. */
  readonly maxRuns: number;
}

/** The two catalog sizes of issue 6, and issue 14's 10,000 playlists in one execution. */
const scales: readonly Scale[] = [
  { playlists: 100, entries: 100, targetSeconds: 10, peakTargetBytes: 2 ** 30, maxRuns: 3 },
  { playlists: 1000, entries: 100, targetSeconds: 60, peakTargetBytes: 2 ** 30, maxRuns: 3 },
  // One run: it takes minutes, and its point is that it runs at all, within 2 GiB.
  { playlists: 10_000, entries: 10, peakTargetBytes: 2 * 2 ** 30, maxRuns: 1 },
];

/** `1,000 × 100`: playlists × entries, as the table and the progress lines name a scale. */
const labelOf = (scale: Scale): string => `${scale.playlists.toLocaleString('en-US')} × ${scale.entries}`;

/** Entries per items request: Spotify's maximum `limit`, which the pipeline asks for. */
const spotifyPageSize = 50;

const bin = fileURLToPath(new URL('../bin/spotify-etl.js', import.meta.url));
const childPath = fileURLToPath(new URL('./end-to-end-child.ts', import.meta.url));

/**
 * Loaded before the command (`node --import`): notes whether the bundle's entry was loaded (a
 * stale bundle makes bin/spotify-etl.js run the TypeScript through tsx instead, which is not what
 * this workload times) and, as the process exits, writes that with its peak resident memory and
 * CPU time (all threads) to file descriptor 3, which only the bench opens. The command runs
 * unchanged.
 */
const usageReporter = `data:text/javascript,${encodeURIComponent(
  [
    'import{writeSync}from"node:fs";import{registerHooks}from"node:module";let bundled=false;',
    'registerHooks({resolve:(specifier,context,next)=>{const found=next(specifier,context);if(found.url.endsWith("/dist/cli/entry.js"))bundled=true;return found}});',
    'process.on("exit",()=>{const u=process.resourceUsage();writeSync(3,JSON.stringify({bundled,maxRssBytes:u.maxRSS*1024,cpuSeconds:(u.userCPUTime+u.systemCPUTime)/1e6}))})',
  ].join(''),
)}`;

/** A run that has not ended by then is stuck: the 10,000-playlist run takes one to two minutes. */
const commandTimeoutMs = 15 * 60_000;

/**
 * Kills `child` with SIGKILL once it has run {@link commandTimeoutMs} (a SIGTERM would be the
 * command's own stop, which a stuck run may not reach); `timedOut()` says whether it did.
 */
const killWhenStuck = (child: ChildProcess): { timedOut: () => boolean } => {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, commandTimeoutMs);
  child.once('exit', () => clearTimeout(timer));
  return { timedOut: () => timedOut };
};

/** One timed run of the command. */
interface CommandRun {
  readonly exitCode: number | null;
  /** The command's `--json` summary, or null when it printed none. */
  readonly summary: ChildReport['summary'];
  readonly stderrTail: string;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly maxRssBytes: number;
}

/**
 * `node bin/spotify-etl.js …args` in a fresh process with `env` added, timed from spawn to exit;
 * fails when the command ran without its bundle, was killed, or was stuck ({@link killWhenStuck}).
 */
const runCommand = (args: readonly string[], env: Readonly<Record<string, string>>): Promise<CommandRun> =>
  new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, ['--import', usageReporter, bin, ...args], {
      // The bench runs under tsx, whose loader must not reach the command: it would run TypeScript.
      env: { ...process.env, NODE_OPTIONS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    const stuck = killWhenStuck(child);
    const [stdout, stderr, usage] = [child.stdout, child.stderr, child.stdio[3]].map((stream) => {
      const chunks: Buffer[] = [];
      stream?.on('data', (chunk: Buffer) => chunks.push(chunk));
      return () => Buffer.concat(chunks).toString();
    }) as [() => string, () => string, () => string];
    child.once('error', reject);
    child.once('close', (exitCode, signal) => {
      const wallSeconds = (performance.now() - start) / 1000;
      const parse = <T>(text: string): T | null => {
        try {
          return JSON.parse(text) as T;
        } catch {
          return null;
        }
      };
      const ended = stuck.timedOut() ? `did not end within ${commandTimeoutMs / 60_000} minutes` : signal === null ? `exited with ${String(exitCode)}` : `was killed by ${signal}`;
      const measured = parse<{ bundled: boolean; maxRssBytes: number; cpuSeconds: number }>(usage());
      if (measured === null) return reject(new Error(`the command ${ended} without reporting its usage: ${stderr().slice(-500)}`));
      if (!measured.bundled) return reject(new Error('the command ran through tsx, not its bundle (dist/cli): rebuild it with `npm run prepare`, and run the bench again'));
      const { bundled: _, ...usageOf } = measured;
      resolve({ exitCode, summary: parse(stdout()), stderrTail: stderr().split('\n').slice(-5).join('\n'), wallSeconds, ...usageOf });
    });
  });

/** The counting run, in a fresh child process under tsx; resolves with its report and wall time. */
const runCountingChild = async (request: ChildRequest): Promise<{ report: ChildReport; wallSeconds: number }> => {
  let report: ChildReport | undefined;
  const wallSeconds = await secondsOf(
    () =>
      new Promise<void>((resolve, reject) => {
        // The parent's execArgv carries tsx's loader, so the child runs TypeScript the same way.
        const child = fork(childPath, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
        const stuck = killWhenStuck(child);
        child.once('message', (message) => void (report = message as ChildReport));
        child.once('error', reject);
        child.once('exit', (code) => {
          if (code === 0 && report) return resolve();
          reject(new Error(`the counting run ${stuck.timedOut() ? `did not end within ${commandTimeoutMs / 60_000} minutes` : `exited with ${String(code)}`} and sent no report`));
        });
        child.send(request);
      }),
  );
  if (report === undefined) throw new Error('the end-to-end child sent no report');
  return { report, wallSeconds };
};

/** Bytes below `dir`, recursively. */
const bytesBelow = async (dir: string): Promise<number> => {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  const sizes = await Promise.all(entries.filter((entry) => entry.isFile()).map((entry) => stat(join(entry.parentPath, entry.name)).then((info) => info.size)));
  return sizes.reduce((sum, size) => sum + size, 0);
};

/** What one scale measured over its runs. */
interface ScaleResult {
  readonly label: string;
  readonly scale: Scale;
  readonly runs: number;
  readonly wallSeconds: Sample;
  readonly cpuSeconds: Sample;
  readonly peakBytes: Sample;
  readonly emulatorCpuSeconds: Sample;
  /** The counting run's wall time: the same run under tsx with a counter on every request. */
  readonly countingWallSeconds: number;
  readonly spotifyRequests: { readonly token: number; readonly api: number; readonly faults: number; readonly expected: number };
  readonly counts: RunCounts;
  readonly tableRows: Record<string, number> | null;
}

/** What one run of a scale left to check and count, whichever way it ran. */
interface RunOutcome {
  readonly exitCode: number | null;
  readonly summary: ChildReport['summary'];
  readonly stderrTail: string;
}

/**
 * One run of `scale` on a fresh emulator and lake, by `start` (given the command's arguments and
 * environment); fails unless it succeeds with every row. Resolves with what `start` resolved,
 * the emulator's request counts and CPU meanwhile, and the bytes the run curated.
 */
const runOnce = async <R extends RunOutcome>(context: BenchContext, scale: Scale, name: string, start: (args: readonly string[], env: Record<string, string>) => Promise<R>) => {
  const label = labelOf(scale);
  const date = new Date().toISOString().slice(0, 10);
  const emulator = await startEmulator({ catalog: { playlists: scale.playlists, entriesPerPlaylist: scale.entries }, rateLimit: false });
  const lake = join(context.workDir, `end-to-end-${scale.playlists}-${name}`);
  // 10,000 ids do not fit in one argument (Linux takes at most 128 KiB): a file, as a user keeps them.
  const ids = `${lake}-playlists.txt`;
  try {
    context.log(`end to end ${label}: ${name}`);
    const readable = emulator.playlists.filter((playlist) => playlist.readable);
    // One token, then per playlist its metadata, one request per page of 50 entries, and the
    // second read of its snapshot id after the last page (core/extract.ts confirmSnapshot).
    const expected = 1 + readable.reduce((sum, playlist) => sum + 1 + Math.ceil(playlist.total / spotifyPageSize) + 1, 0);
    // A daily run's lake: its tables are catalogued (an earlier run crawled them), so the run
    // registers its partitions without a crawl, as on AWS (bench/cost.ts crawlerAssumption).
    await writeCatalogRecord(lake, { version: 2, lastCrawl: { state: 'succeeded', message: 'seeded by the bench' }, partitions: Object.fromEntries(tableNames.map((table) => [table, []])) });
    await writeFile(ids, `${emulator.playlistIds.join('\n')}\n`);
    const parentCpu = process.cpuUsage();
    const outcome = await start(['run', '--source', 'spotify', '--date', date, '--playlists', `@${ids}`, '--lake', lake, '--json'], {
      SPOTIFY_API_BASE_URL: emulator.apiBaseUrl,
      SPOTIFY_ACCOUNTS_BASE_URL: emulator.accountsBaseUrl,
      SPOTIFY_CLIENT_ID: emulator.credentials.clientId,
      SPOTIFY_CLIENT_SECRET: emulator.credentials.clientSecret,
      SPOTIFY_REFRESH_TOKEN: emulator.credentials.refreshToken ?? '',
    });
    const { user, system } = process.cpuUsage(parentCpu);
    if (outcome.exitCode !== 0 || outcome.summary?.status !== 'succeeded') {
      throw new Error(`end to end ${label} (${name}) did not succeed (exit ${String(outcome.exitCode)}): ${outcome.stderrTail}`);
    }
    const tableRows = outcome.summary.dates?.[0]?.tables ?? null;
    const items = tableRows?.['playlist_items'];
    if (items !== scale.playlists * scale.entries) throw new Error(`end to end ${label} wrote ${String(items)} playlist_items rows, not ${scale.playlists * scale.entries}`);
    const stats = emulator.stats();
    const made = stats.tokenRequests + stats.apiRequests;
    if (made < expected || made - expected > stats.faultsInjected) {
      throw new Error(`end to end ${label} (${name}) made ${made} Spotify requests, not ${expected} + retries (${stats.faultsInjected} faults)`);
    }
    const curatedBytes = (await Promise.all(tableNames.map((table) => bytesBelow(join(lake, ...curatedTablePrefix(table).split('/')))))).reduce((a, b) => a + b, 0);
    return { outcome, tableRows, stats, expected, curatedBytes, emulatorCpuSeconds: (user + system) / 1e6 };
  } finally {
    await emulator.close();
    await rm(lake, { recursive: true, force: true });
    await rm(ids, { force: true });
  }
};

/** Times `runs` runs of one scale as a user starts them, then counts one more. */
const measureScale = async (context: BenchContext, scale: Scale, runs: number): Promise<ScaleResult> => {
  const label = labelOf(scale);
  const timed = [];
  for (let index = 0; index < runs; index += 1) timed.push(await runOnce(context, scale, `run ${index + 1} of ${runs}`, runCommand));
  const counting = await runOnce(context, scale, 'the counting run', (args, env) => runCountingChild({ args, env }).then(({ report, wallSeconds }) => ({ ...report, wallSeconds })));
  const last = timed[timed.length - 1];
  if (last === undefined) throw new Error('no end-to-end run was measured');
  const report = counting.outcome;
  return {
    label,
    scale,
    runs,
    wallSeconds: summarise(timed.map((run) => run.outcome.wallSeconds)),
    cpuSeconds: summarise(timed.map((run) => run.outcome.cpuSeconds)),
    peakBytes: summarise(timed.map((run) => run.outcome.maxRssBytes)),
    emulatorCpuSeconds: summarise(timed.map((run) => run.emulatorCpuSeconds)),
    countingWallSeconds: report.wallSeconds,
    spotifyRequests: { token: last.stats.tokenRequests, api: last.stats.apiRequests, faults: last.stats.faultsInjected, expected: last.expected },
    counts: {
      label,
      playlists: scale.playlists,
      entriesPerPlaylist: scale.entries,
      dates: 1,
      stateTransitions: report.stateTransitions,
      parentTransitions: report.parentTransitions,
      pollTransitions: report.pollTransitions,
      children: report.children,
      childSeconds: report.childSeconds,
      tasks: report.tasks,
      spotifyRequests: counting.stats.tokenRequests + counting.stats.apiRequests,
      lake: report.lake,
      secretRequests: report.secretRequests,
      // A run starts at most one crawl, and polls it only when it started one.
      crawls: (report.tasks['PollCrawler']?.invocations ?? 0) > 0 ? 1 : 0,
      validationQueries: report.tasks['StartValidation']?.invocations ?? 0,
      curatedBytes: counting.curatedBytes,
    },
    tableRows: last.tableRows,
  };
};

/** Issue 14's target for the whole run of 100 × 100 against the seeds' transform alone. */
const overSeedsTarget = 1;

/**
 * The whole run of 100 × 100 (process start to exit) over the seeds' transform alone on 100
 * pages of 100 entries of the same shape, both medians of this bench run (issue 14); undefined
 * when either was not measured.
 */
export const overSeedsRow = (endToEnd: EndToEndData, seedsSeconds: number | undefined): ResultRow | undefined => {
  const run = endToEnd.scales.find((scale) => scale.scale.playlists === 100 && scale.scale.entries === 100);
  if (run === undefined || seedsSeconds === undefined) return undefined;
  const ratio = run.wallSeconds.median / seedsSeconds;
  return {
    workload: `end to end ${run.label}`,
    metric: "wall time / the seeds' transform alone (same shape, this run)",
    value: `${ratio.toFixed(2)}×`,
    spread: `${run.wallSeconds.median.toFixed(2)} s / ${seedsSeconds.toFixed(3)} s`,
    target: `≤ ${overSeedsTarget.toFixed(1)}×`,
    pass: ratio <= overSeedsTarget,
  };
};

/** The end-to-end data the cost workload prices. */
export interface EndToEndData {
  readonly scales: readonly ScaleResult[];
}

/** Runs every scale. */
export const endToEndWorkload = async (context: BenchContext): Promise<WorkloadResult<EndToEndData>> => {
  const results: ScaleResult[] = [];
  for (const scale of scales) results.push(await measureScale(context, scale, Math.min(context.runs, scale.maxRuns)));
  const rows: ResultRow[] = results.flatMap((result): ResultRow[] => {
    const workload = `end to end ${result.label}`;
    const requests = result.spotifyRequests;
    const made = requests.token + requests.api;
    return [
      {
        workload,
        metric: `wall time of \`node bin/spotify-etl.js run\` (process start to exit), ${result.runs} run${result.runs === 1 ? '' : 's'}`,
        ...formatSample(result.wallSeconds, 2, 's'),
        ...(result.scale.targetSeconds === undefined
          ? {}
          : { target: `≤ ${result.scale.targetSeconds} s`, pass: result.wallSeconds.median <= result.scale.targetSeconds }),
      },
      { workload, metric: '— its CPU time (all threads)', ...formatSample(result.cpuSeconds, 2, 's') },
      { workload, metric: 'emulator CPU meanwhile (same cores)', ...formatSample(result.emulatorCpuSeconds, 2, 's') },
      {
        workload,
        metric: 'peak memory (maxRSS)',
        value: mib(result.peakBytes.median),
        spread: `${mib(result.peakBytes.min)}–${mib(result.peakBytes.max)}`,
        target: `≤ ${result.scale.peakTargetBytes / 2 ** 30} GiB`,
        pass: result.peakBytes.max <= result.scale.peakTargetBytes,
      },
      { workload, metric: 'the counting run (tsx, a counter on every request): wall time', value: `${result.countingWallSeconds.toFixed(2)} s` },
      {
        workload,
        metric: 'Spotify requests (token + API)',
        value: `${requests.token} + ${requests.api} = ${made}`,
        spread: requests.faults > 0 ? `${requests.faults} faults` : 'no faults',
        target: `= ${requests.expected} + retries`,
        pass: made >= requests.expected && made - requests.expected <= requests.faults,
        required: true,
      },
      {
        workload,
        metric: 'state transitions (entered + retried): the run / its playlist children',
        value: `${result.counts.parentTransitions} / ${result.counts.stateTransitions - result.counts.parentTransitions}`,
        spread: `${result.counts.children} children`,
      },
      {
        workload,
        metric: 'lake requests (PUT / GET / LIST)',
        value: `${result.counts.lake.put} / ${result.counts.lake.get} / ${result.counts.lake.list}`,
      },
    ];
  });
  return { rows, data: { scales: results } };
};
