/**
 * One writer per date, as a user meets it: two `spotify-etl run` processes for the same date and
 * lake, the second started while the first holds the date, never both write; the published state
 * is one run's output.
 * A failed run gives its lease back, so the rerun is not refused.
 */
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { leasesDir } from '../../adapters/local/file-date-leases';
import { tableNames } from '../../core/tables';
import { cliProcess as cli } from '../support/cli-process';
import { tempFolder } from '../support/temp-folders';

const date = '2026-11-20';

/** Every table's row count and the date's manifest status, as `query` shows them. */
const publishedState = async (lake: string): Promise<unknown> => {
  const counts = tableNames.map((table) => `(select count(*) from ${table}) as ${table}`).join(', ');
  const answer = await cli(['query', `select ${counts}`, '--json', '--lake', lake]);
  expect(answer.code, answer.stderr).toBe(0);
  return JSON.parse(answer.stdout);
};

const locksIn = async (lake: string): Promise<string[]> => readdir(leasesDir(lake)).catch(() => []);

describe('one writer per date', () => {
  it('of two runs for one date, the second started while the first holds it, one is refused in one line naming the holder, and the lake holds one run\'s output', async () => {
    // Prepare
    const lake = await tempFolder('spotify-etl-two-runs-');
    const clean = await tempFolder('spotify-etl-one-run-');
    // Act: the first run sits out a few Retry-After waits, so it still holds the date when the
    // second has started (a run of the built-in catalog alone takes less than a second now).
    const first = cli(['run', '--lake', lake, '--date', date, '--json', '--faults', '429=0.15', '--seed', '1']);
    while ((await locksIn(lake)).length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const second = cli(['run', '--lake', lake, '--date', date, '--json']);
    const exits = await Promise.all([first, second]);
    const single = await cli(['run', '--lake', clean, '--date', date, '--json']);
    // Assess
    expect(single.code, single.stderr).toBe(0);
    const succeeded = exits.filter((exit) => exit.code === 0);
    const refused = exits.filter((exit) => exit.code !== 0);
    expect(succeeded).toHaveLength(1);
    expect(refused).toHaveLength(1);
    for (const exit of refused) {
      const line = exit.stderr.split('\n').filter((text) => text.startsWith('spotify-etl run:'));
      expect(line).toHaveLength(1);
      expect(line[0]).toMatch(new RegExp(`^spotify-etl run: ${date} is being written by local-\\S+ \\(since .*pid \\d+ on .*; its lease expires `));
      expect(exit.stderr).not.toMatch(/\n\s+at /);
    }
    expect(await publishedState(lake)).toEqual(await publishedState(clean));
    expect(await locksIn(lake)).toEqual([]);
  }, 480_000);

  it('gives the lease back when a run fails, so the rerun is not refused', async () => {
    // Prepare
    const lake = await tempFolder('spotify-etl-failed-run-');
    // Act
    const failed = await cli(['run', '--lake', lake, '--date', date, '--faults', '500=1', '--json']);
    const locksAfterFailure = await locksIn(lake);
    const rerun = await cli(['run', '--lake', lake, '--date', date, '--json']);
    // Assess
    expect(failed.code).toBe(1);
    expect(locksAfterFailure).toEqual([]);
    expect(rerun.code, rerun.stderr).toBe(0);
  }, 480_000);
});
