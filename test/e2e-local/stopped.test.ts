/**
 * A run stopped while it reads Spotify (Ctrl-C): the rendered machine with the real step code and
 * an emulator that stays up after the run returns, so a step that started after the stop would
 * still reach it and leave its request count in the lake.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../adapters/local/fs-blob-store';
import { startEmulator } from '../../adapters/spotify/emulator/server';
import { runPipeline } from '../../cli/local/pipeline';
import { runRequestsPrefix } from '../../core/lake/keys';
import { steps } from '../../steps/registry';
import { tempFolderForSuite } from '../support/temp-folders';

const date = '2026-11-20';
const clock = { now: () => new Date(`${date}T06:00:00Z`) };

/** Waits until the emulator has had no request for a quarter of a second (10 s at most): a step started late would be seen. */
const quiet = async (requests: () => number): Promise<void> => {
  for (let waited = 0, last = -1; waited < 10_000 && requests() !== last; waited += 250) {
    last = requests();
    await sleep(250);
  }
};

describe('a run stopped while it reads Spotify', () => {
  const lake = tempFolderForSuite('spotify-etl-stopped-');

  it('starts no step after the stop and returns once the steps running then have finished', async () => {
    // Prepare: twelve playlists, two read at a time; stopped as the first GetPlaylist returns
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
        onTask: (stateName) => {
          if (stateName === steps.getPlaylist.stateName) stop.abort();
        },
      });
      const atReturn = emulator.stats().apiRequests;
      await quiet(() => emulator.stats().apiRequests);
      // Assess: each invocation leaves its request count; the other child's GetPlaylist may have been running
      const invocations = await new FsBlobStore(join(lake(), 'lake')).list(runRequestsPrefix(run.executionName));
      expect(run.outcome).toMatchObject({ status: 'failed', error: 'ExecutionAbortedError' });
      expect(invocations.filter((key) => key.includes(`/${steps.getPlaylist.stateName}.`)).length).toBeLessThanOrEqual(2);
      expect(invocations.filter((key) => key.includes(`/${steps.extractItems.stateName}.`))).toEqual([]);
      expect(emulator.stats().apiRequests).toBe(atReturn);
    } finally {
      await emulator.close();
    }
  });

  it('ends the read of a playlist with the page in flight, not after its remaining pages', async () => {
    // Prepare: one playlist of 20 pages, all of them one ExtractItems invocation's to read; stopped
    // once its metadata and the first pages have been asked for
    const emulator = await startEmulator({ date, catalog: { playlists: 1, entriesPerPlaylist: 1000 }, rateLimit: false });
    const stop = new AbortController();
    let atStop = 0;
    const watch = setInterval(() => {
      if (stop.signal.aborted || emulator.stats().apiRequests < 3) return;
      atStop = emulator.stats().apiRequests;
      stop.abort();
    }, 1);
    try {
      // Act
      const run = await runPipeline({
        lake: join(lake(), 'pages'),
        request: { mode: 'manual', date },
        source: { kind: 'emulator', ...emulator },
        clock,
        signal: stop.signal,
        maxPages: 50,
      });
      await quiet(() => emulator.stats().apiRequests);
      // Assess: at most the request already sent when the run stopped reaches the emulator after it
      expect(run.outcome).toMatchObject({ status: 'failed', error: 'ExecutionAbortedError' });
      expect(atStop).toBeGreaterThanOrEqual(3);
      expect(emulator.stats().apiRequests - atStop).toBeLessThanOrEqual(1);
    } finally {
      clearInterval(watch);
      await emulator.close();
    }
  });
});
