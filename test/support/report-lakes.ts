/** Lakes made by real local runs, one scheduled run per day with the clock moved, for the report's tests. */
import { createRun } from '../../cli/commands/run';
import { captureIo } from './cli-io';

/** The three days the report tests run. */
export const reportDays = ['2026-11-17', '2026-11-18', '2026-11-19'] as const;

/**
 * Runs the daily pipeline into `lake` once per day in `days`, at 06:00 UTC; the clock ticks a
 * quarter of a second per reading, so manifests record a run that took time. Returns the last
 * run's text output.
 */
export const dailyRuns = async (lake: string, days: readonly string[]): Promise<string> => {
  let output = '';
  for (const day of days) {
    let now = Date.parse(`${day}T06:00:00Z`);
    const clock = { now: () => new Date((now += 250)) };
    const io = captureIo(lake);
    const code = await createRun({ clock })(['--lake', lake], io);
    if (code !== 0) throw new Error(`the run of ${day} that lays down the lake failed: ${io.stderr()}`);
    output = io.stdout();
  }
  return output;
};
