import { describe, expect, it } from 'vitest';
import { dateRange } from '../../core/dates';
import {
  maxBackfillDays,
  maxPlanBytes,
  maxPlaylistsPerRun,
  parseRunRequest,
  planBytesAtMost,
  stateHeadroomBytes,
  statePayloadLimitBytes,
  type RunPlan,
} from '../../core/run-input';
import type { RunStateBase } from '../../state-machine/payloads';
import { isPlaced } from '../../state-machine/placement';
import type { NormaliseInput } from '../../steps/normalise/contract';
import { allSteps } from '../../steps/registry';
import { goldenAnswer } from './fake-steps';

const bytesOf = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** `n` distinct playlist ids of Spotify's 22 base-62 characters. */
const playlistIds = (n: number): string[] => Array.from({ length: n }, (_, index) => `37i9dQZF1DX${index.toString(36).padStart(11, '0')}`);

const today = '2026-11-30';
/** The last `days` dates up to today. */
const backfillDates = (days: number): string[] => dateRange('2020-01-01', today).slice(-days);

/** The request of `playlists` playlists over `days` dates: a manual run of today, or a backfill. */
const requestOf = (playlists: number, days: number): Record<string, unknown> => {
  const dates = backfillDates(days);
  return days === 1
    ? { mode: 'manual', date: today, playlists: playlistIds(playlists) }
    : { mode: 'backfill', from: dates[0], to: dates.at(-1), playlists: playlistIds(playlists) };
};

/** Whether ValidateInput's rules take `playlists` playlists over `days` dates. */
const accepted = (playlists: number, days: number): boolean => {
  try {
    parseRunRequest(requestOf(playlists, days), today, []);
    return true;
  } catch {
    return false;
  }
};

/** The most playlists a run of `days` dates is accepted with (a binary search: the plan grows with each id). */
const mostPlaylistsOver = (days: number): number => {
  let [fits, refused] = [0, maxPlaylistsPerRun + 1];
  while (refused - fits > 1) {
    const middle = Math.floor((fits + refused) / 2);
    if (accepted(middle, days)) fits = middle;
    else refused = middle;
  }
  return fits;
};

/** The largest run a scenario takes: the most playlists accepted over its dates. */
const scenarios = [
  { name: `${maxPlaylistsPerRun.toLocaleString('en-US')} playlists of one date (the most one execution takes)`, days: 1 },
  { name: `a backfill of ${maxBackfillDays} dates (the longest) with as many playlists as still fit`, days: maxBackfillDays },
];

describe.each(scenarios)('the payloads of $name', ({ days }) => {
  const count = mostPlaylistsOver(days);
  const ids = playlistIds(count);
  const dates = backfillDates(days);
  const run = { mode: 'manual' as const, executionName: 'manual-2026-11-30-0123456789abcdef0123456789abcdef', startedAt: '2026-11-30T06:00:00.000Z', full: false };
  const plan: RunPlan = { run, playlistIds: ids, rebuildLanded: false, dates: dates.map((date) => ({ date, extract: true })), skipped: [] };
  const cause = JSON.stringify({ errorType: 'SpotifyThrottledError', errorMessage: 'x'.repeat(1000) });
  // A failed run carries every field at once, a placed step's as its golden output has it.
  const besidesPlan = {
    ...Object.fromEntries(allSteps.filter(isPlaced).map((step) => [step.placement.into, goldenAnswer(step)])),
    crawl: { state: 'succeeded', polls: 12 },
    recorded: { published: [], skipped: [] },
    report: { latest: 'reports/latest.html', dated: 'reports/snapshot_date=2026-11-30/index.html' },
    error: { Error: 'SpotifyThrottledError', Cause: cause },
    notified: { error: 'SpotifyThrottledError', message: 'x'.repeat(1000), failedDates: dates },
    notifyError: { Error: 'AwsUnavailableError', Cause: cause },
  } satisfies Omit<RunStateBase, 'request' | 'executionName' | 'plan'>;

  const payloads: Record<string, unknown> = {
    // The request as started: it names every playlist.
    'the execution input': requestOf(count, days),
    // After ValidateInput the plan replaces the request.
    "the run's plan": plan,
    // ForEachDate's ItemSelector: the ids the Distributed Map iterates (ItemsPath) and Normalise reads.
    "a date's iteration": { date: today, extract: true, playlistIds: ids, allLanded: false, run } satisfies NormaliseInput,
    // A Distributed Map gathers every child's output (ExtractPlaylist's `{}`) before ResultPath discards it.
    "ForEachPlaylist's gathered result": ids.map(() => ({})),
  };

  it(`takes ${days === 1 ? 'the' : 'most of the'} ${maxPlaylistsPerRun.toLocaleString('en-US')} playlists one execution reads at most, and refuses one more`, () => {
    expect(count).toBe(days === 1 ? maxPlaylistsPerRun : 9_401);
    expect(accepted(count + 1, days)).toBe(false);
  });

  it.each(Object.keys(payloads))(`keeps %s within 256 KiB with ${stateHeadroomBytes / 1024} KiB to spare`, (name) => {
    const bytes = bytesOf(payloads[name]);

    expect(bytes, `${name}: ${bytes} bytes`).toBeLessThanOrEqual(maxPlanBytes);
  });

  it("bounds the plan's bytes, with its dates listed once more, from above, as the refusal counts them", () => {
    expect(planBytesAtMost(parseRunRequest(requestOf(count, days), today, []))).toBeGreaterThanOrEqual(bytesOf([plan, dates]));
  });

  it("keeps the run's state at its largest within 256 KiB: its fields besides the plan and their dates fit the room the plan leaves", () => {
    const state: Omit<RunStateBase, 'request' | 'executionName'> = { ...besidesPlan, plan };

    expect(bytesOf(besidesPlan) - bytesOf(dates), 'the fields besides the plan, less the dates they list').toBeLessThanOrEqual(stateHeadroomBytes);
    expect(bytesOf(state)).toBeLessThanOrEqual(statePayloadLimitBytes);
  });

  it('would not fit if the request stayed beside the plan (why ValidateInput drops it)', () => {
    expect(bytesOf({ request: payloads['the execution input'], plan })).toBeGreaterThan(statePayloadLimitBytes);
  });
});
