import { describe, expect, it } from 'vitest';
import { maxPlaylistsPerRun, type RunPlan } from '../../core/run-input';
import type { RunStateBase } from '../../state-machine/payloads';
import { isPlaced } from '../../state-machine/placement';
import type { NormaliseInput } from '../../steps/normalise/contract';
import { allSteps } from '../../steps/registry';
import { goldenAnswer } from './fake-steps';

/** Step Functions' most bytes of a state's input or output, and of an execution's input. */
const payloadLimitBytes = 256 * 1024;
/** Left free in the largest payload for what may grow: error causes, fields later steps add. */
const headroomBytes = 8 * 1024;

const bytesOf = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** `n` distinct playlist ids of Spotify's 22 base-62 characters. */
const playlistIds = (n: number): string[] => Array.from({ length: n }, (_, index) => `37i9dQZF1DX${index.toString(36).padStart(11, '0')}`);

describe(`the payloads of a run of ${maxPlaylistsPerRun.toLocaleString('en-US')} playlists (the most one execution takes)`, () => {
  const ids = playlistIds(maxPlaylistsPerRun);
  const run = { mode: 'manual' as const, executionName: 'manual-2026-11-30-0123456789abcdef0123456789abcdef', startedAt: '2026-11-30T06:00:00.000Z', full: false };
  const plan: RunPlan = { run, playlistIds: ids, rebuildLanded: false, dates: [{ date: '2026-11-30', extract: true }], skipped: [] };
  const cause = JSON.stringify({ errorType: 'SpotifyThrottledError', errorMessage: 'x'.repeat(1000) });

  const payloads: Record<string, unknown> = {
    // The request as started: it names every playlist.
    'the execution input': { mode: 'manual', date: '2026-11-30', playlists: ids },
    // After ValidateInput the plan replaces the request; a failed run carries every field at once,
    // a placed step's as its golden output has it.
    "the run's state at its largest": {
      ...Object.fromEntries(allSteps.filter(isPlaced).map((step) => [step.placement.into, goldenAnswer(step)])),
      plan,
      crawl: { state: 'succeeded', polls: 12 },
      recorded: { published: [], skipped: [] },
      report: { latest: 'reports/latest.html', dated: 'reports/snapshot_date=2026-11-30/index.html' },
      error: { Error: 'SpotifyThrottledError', Cause: cause },
      notified: { error: 'SpotifyThrottledError', message: 'x'.repeat(1000), failedDates: ['2026-11-30'] },
      notifyError: { Error: 'AwsUnavailableError', Cause: cause },
    } satisfies Omit<RunStateBase, 'request' | 'executionName'>,
    // ForEachDate's ItemSelector: the ids the Distributed Map iterates (ItemsPath) and Normalise reads.
    "a date's iteration": { date: '2026-11-30', extract: true, playlistIds: ids, allLanded: false, run } satisfies NormaliseInput,
    // A Distributed Map gathers every child's output (ExtractPlaylist's `{}`) before ResultPath discards it.
    "ForEachPlaylist's gathered result": ids.map(() => ({})),
  };

  it.each(Object.keys(payloads))('keeps %s within 256 KiB with 8 KiB to spare', (name) => {
    const bytes = bytesOf(payloads[name]);

    expect(bytes, `${name}: ${bytes} bytes`).toBeLessThanOrEqual(payloadLimitBytes - headroomBytes);
  });

  it('would not fit if the request stayed beside the plan (why ValidateInput drops it)', () => {
    expect(bytesOf({ request: payloads['the execution input'], plan })).toBeGreaterThan(payloadLimitBytes);
  });
});
