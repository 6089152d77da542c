/**
 * A run stopped while it reads Spotify (Ctrl-C): the rendered machine with the real step code and
 * an emulator that stays up after the run returns, so a step that went on running would still
 * reach it and be counted.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../adapters/spotify/emulator/server';
import { runPipeline } from '../../cli/local/pipeline';
import { steps } from '../../steps/registry';
import { tempFolderForSuite } from '../support/temp-folders';

const date = '2026-11-20';
const clock = { now: () => new Date(`${date}T06:00:00Z`) };

/** The emulator's Web API request count once it has stopped changing (a quarter second without a request, at most 10 s). */
const settledRequests = async (count: () => number): Promise<number> => {
  let last = count();
  for (let waited = 0; waited < 10_000; waited += 250) {
    await sleep(250);
    if (count() === last) return last;
    last = count();
  }
  return last;
};

describe('a run stopped while it reads Spotify', () => {
  const lake = tempFolderForSuite('spotify-etl-stopped-');

  it('starts no step after the stop: no request reaches Spotify but those of the steps running when it stopped', async () => {
    // Prepare: twelve playlists, stopped when the first has been read
    const emulator = await startEmulator({ date });
    const stop = new AbortController();
    try {
      // Act
      const run = await runPipeline({
        lake: join(lake(), 'lake'),
        request: { mode: 'manual', date },
        source: { kind: 'emulator', ...emulator },
        clock,
        signal: stop.signal,
        onEvent: (event) => {
          const state = (event as { state?: { name?: string } }).state;
          if (event.type === 'StateExited' && state?.name === steps.getPlaylist.stateName) stop.abort();
        },
      });
      const atReturn = emulator.stats().apiRequests;
      const settled = await settledRequests(() => emulator.stats().apiRequests);
      // Assess: at most the requests of the steps running when it stopped (MaxConcurrency 2)
      expect(run.outcome).toMatchObject({ status: 'failed', error: 'ExecutionAbortedError' });
      expect(settled - atReturn).toBeLessThanOrEqual(2);
    } finally {
      await emulator.close();
    }
  });
});
