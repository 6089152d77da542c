import { describe, expect, it } from 'vitest';
import { dateRange } from '../../core/dates';
import { ReportNotWrittenError, resumeAfterPhrase, SpotifyThrottledError, AwsUnavailableError } from '../../core/errors';
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
import { boundedMessage, causeMessage, lambdaHandler } from '../../core/step';
import type { RunStateBase } from '../../state-machine/payloads';
import { isPlaced } from '../../state-machine/placement';
import type { NormaliseInput } from '../../steps/normalise/contract';
import { allSteps, steps } from '../../steps/registry';
import { publishedDatesPhrase } from '../../steps/write-report/step';
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

/** An error's stack of `frames` frames of `length` characters each, deeper and longer than a step's stack ever is. */
const deepStack = (error: Error, frames: number, length: number): string =>
  [`${error.name}: ${error.message}`, ...Array.from({ length: frames }, (_, index) => `    at ${`frame${index} `.padEnd(length - 30, 'f')}(/var/task/index.mjs:1:12345)`)].join('\n');

/**
 * The Cause a Catch receives when a step throws `error`: what a step's Lambda handler throws, as
 * the Node Lambda runtime reports it (`{errorType, errorMessage, trace}`, the trace being the
 * stack's lines, whose first repeats the message).
 */
const causeOf = async (error: Error): Promise<string> => {
  error.stack = deepStack(error, 40, 400);
  const thrown = await lambdaHandler(steps.writeReport, () => Promise.reject(error))({ published: [today] }).then(
    () => expect.fail('the handler did not throw'),
    (reported: unknown) => reported as Error,
  );
  return JSON.stringify({ errorType: thrown.name, errorMessage: thrown.message, trace: thrown.stack?.split('\n') });
};

/**
 * The longest text an error may quote (an Athena reason, a Spotify body): English with quoted
 * names, as the messages of core/errors.ts and the services' are, many times longer than any.
 */
// Quotes and control characters take the most bytes once a Cause escapes them twice.
const longReason = `TABLE_NOT_FOUND: line 2:6: Table "awsdatacatalog"."spotify_etl"."playlists" does not exist: ${'"\u0001€'.repeat(3000)}`;

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
  const plan: RunPlan = { run, playlistIds: ids, rebuildLanded: false, dates: dates.map((date) => ({ date, extract: true })), skipped: [], readsSpotify: true };
  // A run fails with one error at a time; each path to its end leaves its own fields, a placed step's as its golden output has it.
  const placed = Object.fromEntries(allSteps.filter(isPlaced).map((step) => [step.placement.into, goldenAnswer(step)]));
  const crawl = { state: 'succeeded', polls: 12 } as const;
  const statesBesidesPlan = async (): Promise<Record<string, Partial<Omit<RunStateBase, 'request' | 'executionName' | 'plan'>>>> => {
    // The largest messages the steps throw: WriteReport's names the published dates' range and quotes the engine's reason; a throttled run's ends in its resume time.
    const reportCause = await causeOf(new ReportNotWrittenError(`The report was not written; ${publishedDatesPhrase(dates)}: QueryFailedError: ${longReason}`));
    const throttledCause = await causeOf(new SpotifyThrottledError(`Spotify refused ${longReason} ${resumeAfterPhrase(86_400)}`, 86_400, false));
    const notifyCause = await causeOf(new AwsUnavailableError(`SNS did not answer: ${longReason}`));
    const error = { Error: 'SpotifyThrottledError', Cause: throttledCause };
    // NotifyFailure's result repeats the message a third time (steps/notify-failure/step.ts), marking every date failed.
    const notified = { error: error.Error, message: boundedMessage(causeMessage(throttledCause)), failedDates: dates, resumeAfter: '2026-12-01T06:00:00.000Z' };
    return {
      "WriteReport's Catch (ReportFailed)": { ...placed, crawl, recorded: { published: dates, skipped: [] }, error: { Error: 'ReportNotWrittenError', Cause: reportCause } },
      "NotifyFailure's result": { ...placed, crawl, error, notified },
      "NotifyFailure's Catch": { ...placed, crawl, error, notifyError: { Error: 'AwsUnavailableError', Cause: notifyCause } },
    };
  };

  const payloads: Record<string, unknown> = {
    // The request as started: it names every playlist.
    'the execution input': requestOf(count, days),
    // After ValidateInput the plan replaces the request.
    "the run's plan": plan,
    // ForEachDate's ItemSelector: the ids the Distributed Map iterates (ItemsPath) and Normalise reads.
    "a date's iteration": { date: today, extract: true, playlistIds: ids, allLanded: false, run, runDates: plan.dates } satisfies NormaliseInput,
    // A Distributed Map gathers every child's output (ExtractPlaylist's `{}`) before ResultPath discards it.
    "ForEachPlaylist's gathered result": ids.map(() => ({})),
  };

  it(`takes ${days === 1 ? 'the' : 'most of the'} ${maxPlaylistsPerRun.toLocaleString('en-US')} playlists one execution reads at most, and refuses one more`, () => {
    expect(count).toBe(days === 1 ? maxPlaylistsPerRun : 9_400);
    expect(accepted(count + 1, days)).toBe(false);
  });

  it.each(Object.keys(payloads))(`keeps %s within 256 KiB with ${stateHeadroomBytes / 1024} KiB to spare`, (name) => {
    const bytes = bytesOf(payloads[name]);

    expect(bytes, `${name}: ${bytes} bytes`).toBeLessThanOrEqual(maxPlanBytes);
  });

  it("bounds the plan's bytes, with its dates listed once more, from above, as the refusal counts them", () => {
    expect(planBytesAtMost(parseRunRequest(requestOf(count, days), today, []))).toBeGreaterThanOrEqual(bytesOf([plan, dates]));
  });

  it("keeps the run's state at its largest on each failure path within 256 KiB: its fields besides the plan and their dates fit the room the plan leaves", async () => {
    for (const [path, besidesPlan] of Object.entries(await statesBesidesPlan())) {
      const state = { ...besidesPlan, plan };

      expect(bytesOf(besidesPlan) - bytesOf(dates), `${path}: the fields besides the plan, less the dates they list`).toBeLessThanOrEqual(stateHeadroomBytes);
      expect(bytesOf(state), `${path}: the state`).toBeLessThanOrEqual(statePayloadLimitBytes);
    }
  });

  it('would not fit if the request stayed beside the plan (why ValidateInput drops it)', () => {
    expect(bytesOf({ request: payloads['the execution input'], plan })).toBeGreaterThan(statePayloadLimitBytes);
  });
});

describe('the limits the docs give (docs/operations.md, docs/architecture.md)', () => {
  it(`takes ${maxPlaylistsPerRun.toLocaleString('en-US')} playlists over at most 72 dates`, () => {
    expect(accepted(maxPlaylistsPerRun, 72)).toBe(true);
    expect(accepted(maxPlaylistsPerRun, 73)).toBe(false);
  });
});
