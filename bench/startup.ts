/**
 * Start-up: how long a user waits for `spotify-etl run` on one playlist of the built-in emulator
 * and for `spotify-etl query "select 1"`, each a fresh `node bin/spotify-etl.js …` process as a
 * user starts it, beside `node -e 0` timed in the same rounds. The machine may be shared: the
 * excess over `node -e 0` and the ratio to it, taken within one round, are what to compare
 * between runs of the bench, not the seconds alone; so is each process's CPU time, which the
 * shell's `times` reports.
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

/** The shell's `times`: its own user and system time, then its children's, e.g. `0m0.780000s 0m0.170000s`. */
const childCpuSeconds = (times: string): number => {
  const children = times.trim().split('\n').at(-1) ?? '';
  return [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, [, minutes, seconds]) => sum + Number(minutes) * 60 + Number(seconds), 0);
};

/**
 * Seconds from spawning `node args…` to its exit, and the CPU seconds it used (all threads, by the
 * shell's `times`: a loaded machine stretches the wall time far more); fails unless it exits 0.
 */
const timeProcess = (args: readonly string[], cwd: string): Promise<{ wall: number; cpu: number }> =>
  new Promise((resolve, reject) => {
    const start = performance.now();
    const script = '"$0" "$@" >/dev/null 2>"$STARTUP_STDERR"; status=$?; times; exit $status';
    const stderrFile = join(cwd, 'startup-stderr.txt');
    execFile('sh', ['-c', script, process.execPath, ...args], { cwd, env: { ...process.env, NODE_OPTIONS: '', STARTUP_STDERR: stderrFile } }, (error, stdout) => {
      const wall = (performance.now() - start) / 1000;
      if (error) reject(new Error(`node ${args.join(' ')} failed (its stderr is in ${stderrFile})`, { cause: error }));
      else resolve({ wall, cpu: childCpuSeconds(stdout) });
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
  /** CPU seconds (user + system, all threads) of each process. */
  readonly cpu: { readonly node: Sample; readonly run: Sample; readonly query: Sample };
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
  const cpu = { node: [] as number[], run: [] as number[], query: [] as number[] };
  const measure = async (name: keyof typeof times, args: readonly string[]) => {
    const measured = await timeProcess(args, cwd);
    times[name].push(measured.wall);
    cpu[name].push(measured.cpu);
  };
  for (let round = 0; round < rounds; round += 1) {
    context.log(`start-up: round ${round + 1} of ${rounds}`);
    await measure('node', ['-e', '0']);
    await measure('run', runArgs);
    await measure('query', queryArgs);
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
    cpu: { node: summarise(cpu.node), run: summarise(cpu.run), query: summarise(cpu.query) },
  };
  const workload = 'start-up';
  const ratio = (sample: Sample) => `${(sample.median / data.node.median).toFixed(1)}×`;
  const rows: ResultRow[] = [
    { workload, metric: '`node -e 0`', ...formatSample(data.node, 3, 's') },
    { workload, metric: '— its CPU time (all threads)', ...formatSample(data.cpu.node, 2, 's') },
    {
      workload,
      metric: '`run --playlists <one>` (emulator)',
      ...formatSample(data.run, 3, 's'),
      target: `≤ ${startupTargets.runSeconds} s`,
      pass: data.run.median <= startupTargets.runSeconds,
    },
    { workload, metric: `— minus node -e 0, per round (run / node: ${ratio(data.run)})`, ...formatSample(data.runOverNode, 3, 's') },
    { workload, metric: '— its CPU time (all threads)', ...formatSample(data.cpu.run, 2, 's') },
    {
      workload,
      metric: '`query "select 1"`',
      ...formatSample(data.query, 3, 's'),
      target: `≤ ${startupTargets.querySeconds} s`,
      pass: data.query.median <= startupTargets.querySeconds,
    },
    { workload, metric: `— minus node -e 0, per round (query / node: ${ratio(data.query)})`, ...formatSample(data.queryOverNode, 3, 's') },
    { workload, metric: '— its CPU time (all threads)', ...formatSample(data.cpu.query, 2, 's') },
  ];
  return { rows, data };
};
