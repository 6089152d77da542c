/**
 * What every workload shares: repeated timings summarised as median and spread, result rows with
 * an optional target, and the table `npm run bench` prints.
 */
import { performance } from 'node:perf_hooks';

/** Repeated measurements of one quantity, in its unit. */
export interface Sample {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: readonly number[];
}

/**
 * The median and range of a non-empty list of measurements.
 * @example summarise([3, 1, 2]) // { median: 2, min: 1, max: 3, runs: [3, 1, 2] }
 */
export const summarise = (runs: readonly number[]): Sample => {
  if (runs.length === 0) throw new Error('summarise needs at least one measurement');
  const sorted = [...runs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, runs };
};

/** Seconds `work` took, by the monotonic clock. */
export const secondsOf = async (work: () => Promise<unknown>): Promise<number> => (await timed(work)).wall;

/**
 * Wall and CPU seconds of `work` in this process (all its threads). Other processes on a loaded
 * machine stretch the wall time far more than the CPU time, so the two side by side tell noise
 * from cost.
 */
export const timed = async (work: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> => {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const wall = (performance.now() - start) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  return { wall, cpu: (user + system) / 1e6 };
};

/** One line of the printed table; `pass` is set only where the line has a target. */
export interface ResultRow {
  readonly workload: string;
  readonly metric: string;
  readonly value: string;
  /** `min–max` over the runs, when the value is a median. */
  readonly spread?: string;
  readonly target?: string;
  readonly pass?: boolean;
  /** A contract rather than a speed: when it misses, `npm run bench` exits with status 1. */
  readonly required?: boolean;
}

/** What a workload hands back: its table lines and the raw numbers for the JSON file. */
export interface WorkloadResult<D = unknown> {
  readonly rows: readonly ResultRow[];
  readonly data: D;
}

/** A median with its range in one unit, e.g. `0.412 s` and `0.401–0.455`. */
export const formatSample = (sample: Sample, digits: number, unit: string): { value: string; spread: string } => ({
  value: `${sample.median.toFixed(digits)} ${unit}`,
  spread: `${sample.min.toFixed(digits)}–${sample.max.toFixed(digits)}`,
});

/** Bytes as MiB with two decimals. */
export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(2)} MiB`;

/** The rows as a fixed-width text table with a PASS/MISS column. */
export const renderTable = (rows: readonly ResultRow[]): string => {
  const header = ['workload', 'metric', 'value (median)', 'min–max', 'target', ''];
  const lines = rows.map((row) => [
    row.workload,
    row.metric,
    row.value,
    row.spread ?? '',
    row.target ?? '',
    row.pass === undefined ? '' : row.pass ? 'PASS' : 'MISS',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)));
  const format = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...lines.map(format)].join('\n');
};

/** What run.ts gives each workload. */
export interface BenchContext {
  /** A fresh scratch folder the workload may fill; removed after the bench. */
  readonly workDir: string;
  /** How many timed runs each measurement takes. */
  readonly runs: number;
  /** Progress on stderr, so stdout holds only the table. */
  readonly log: (line: string) => void;
}
