/**
 * Start-up: how long a user waits for `spotify-etl run` on one playlist of the built-in emulator
 * and for `spotify-etl query "select 1"`, each a fresh `node bin/spotify-etl.js …` process as a
 * user starts it, beside `node -e 0` timed in the same rounds. The machine may be shared: the
 * excess over `node -e 0` and the ratio to it, taken within one round, are what to compare
 * between runs of the bench, not the seconds alone.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startEmulator } from '../adapters/spotify/emulator/server';
import { formatSample, summarise, type BenchContext, type ResultRow, type Sample, type WorkloadResult } from './report';

/** Targets of issue 14. */
export const startupTargets = { runSeconds: 0.8, querySeconds: 0.3 } as const;

/** At least this many rounds, however few runs were asked for: each round takes a second or two. */
const minRounds = 7;

const bin = fileURLToPath(new URL('../bin/spotify-etl.js', import.meta.url));

/** Seconds from spawning `node args…` to its exit; fails unless it exits 0. */
const timeProcess = (args: readonly string[], cwd: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const start = performance.now();
    execFile(process.execPath, [...args], { cwd, env: { ...process.env, NODE_OPTIONS: '' } }, (error, _stdout, stderr) => {
      const seconds = (performance.now() - start) / 1000;
      if (error) reject(new Error(`node ${args.join(' ')} failed: ${stderr.trim().split('\n').slice(-3).join(' | ')}`, { cause: error }));
      else resolve(seconds);
    });
  });

/** What the start-up workload measured, in seconds. */
export interface StartupData {
  readonly rounds: number;
  readonly playlist: string;
  readonly node: Sample;
  readonly run: Sample;
  readonly query: Sample;
  /** Per round, the command's time minus `node -e 0`'s in the same round. */
  readonly runOverNode: Sample;
  readonly queryOverNode: Sample;
}

/** Times the three processes in alternating rounds. */
export const startupWorkload = async (context: BenchContext): Promise<WorkloadResult<StartupData>> => {
  // The first playlist the built-in emulator serves: the one `run --playlists` reads.
  const emulator = await startEmulator({});
  const playlist = emulator.playlistIds[0];
  await emulator.close();
  if (playlist === undefined) throw new Error('the built-in emulator serves no playlist');
  const lake = join(context.workDir, 'startup-lake');
  const cwd = context.workDir;
  const runArgs = [bin, 'run', '--playlists', playlist, '--lake', lake, '--json'];
  const queryArgs = [bin, 'query', 'select 1', '--lake', lake, '--json'];
  // Untimed: the first run creates the lake the query reads, and warms the file cache.
  await timeProcess(runArgs, cwd);
  const rounds = Math.max(context.runs, minRounds);
  const times = { node: [] as number[], run: [] as number[], query: [] as number[] };
  for (let round = 0; round < rounds; round += 1) {
    context.log(`start-up: round ${round + 1} of ${rounds}`);
    times.node.push(await timeProcess(['-e', '0'], cwd));
    times.run.push(await timeProcess(runArgs, cwd));
    times.query.push(await timeProcess(queryArgs, cwd));
  }
  const over = (of: number[]) => summarise(of.map((seconds, round) => seconds - (times.node[round] as number)));
  const data: StartupData = {
    rounds,
    playlist,
    node: summarise(times.node),
    run: summarise(times.run),
    query: summarise(times.query),
    runOverNode: over(times.run),
    queryOverNode: over(times.query),
  };
  const workload = 'start-up';
  const ratio = (sample: Sample) => `${(sample.median / data.node.median).toFixed(1)}×`;
  const rows: ResultRow[] = [
    { workload, metric: '`node -e 0`', ...formatSample(data.node, 3, 's') },
    {
      workload,
      metric: '`run --playlists <one>` (emulator)',
      ...formatSample(data.run, 3, 's'),
      target: `≤ ${startupTargets.runSeconds} s`,
      pass: data.run.median <= startupTargets.runSeconds,
    },
    { workload, metric: `— minus node -e 0, per round (run / node: ${ratio(data.run)})`, ...formatSample(data.runOverNode, 3, 's') },
    {
      workload,
      metric: '`query "select 1"`',
      ...formatSample(data.query, 3, 's'),
      target: `≤ ${startupTargets.querySeconds} s`,
      pass: data.query.median <= startupTargets.querySeconds,
    },
    { workload, metric: `— minus node -e 0, per round (query / node: ${ratio(data.query)})`, ...formatSample(data.queryOverNode, 3, 's') },
  ];
  return { rows, data };
};
