/**
 * A playlist that fails, with the Distributed Map failing as it does on AWS: the child's error
 * stays in the child and the parent catches States.ExceedToleratedFailureThreshold. NotifyFailure
 * still records, notifies and acts on the playlist's own error, which its step stored with its
 * request counts: a run throttled in a playlist is restarted once Spotify allows it, as locally.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorOptions } from '../../adapters/spotify/emulator/server';
import { runPipeline } from '../../cli/local/pipeline';
import { mapRunFailedError } from '../../core/errors';
import { runManifestKey } from '../../core/lake/keys';
import type { RunManifest } from '../../core/lake/manifest';
import { builtAsl } from '../../state-machine/built-asl';
import { awsMapFailures } from '../support/aws-distributed-map';
import { tempFolderForSuite } from '../support/temp-folders';

const date = '2026-11-20';
const clock = { now: () => new Date(`${date}T06:00:00Z`) };

describe('a playlist that fails, its Distributed Map failing as on AWS', () => {
  const root = tempFolderForSuite('spotify-etl-child-failure-');

  const runOn = async (lake: string, options: EmulatorOptions, playlists?: string[]) => {
    const emulator = await startEmulator(options);
    try {
      const run = await runPipeline({
        lake: join(root(), lake),
        request: { mode: 'manual', date, ...(playlists === undefined ? {} : { playlists }) },
        source: { kind: 'emulator', ...emulator },
        clock,
        asl: awsMapFailures(builtAsl),
      });
      const manifest = JSON.parse(await readFile(join(root(), lake, runManifestKey(date)), 'utf8')) as RunManifest;
      return { run, manifest };
    } finally {
      await emulator.close();
    }
  };

  it("records and notifies the playlist's own error, not the Map's", async () => {
    // Act: a playlist Spotify does not have
    const { run, manifest } = await runOn('not-found', {}, ['0000000000000000000000']);
    // Assess: the parent met AWS's error; the run's record names the playlist's
    expect(run.outcome).toMatchObject({ status: 'failed', error: mapRunFailedError });
    expect(manifest).toMatchObject({ published: null, lastAttempt: { status: 'failed', error: { name: 'SpotifyNotFoundError' } } });
    expect(manifest.lastAttempt.error?.message).toContain('0000000000000000000000');
    expect(run.notifications.map(({ subject }) => subject)).toEqual(['spotify-etl: SpotifyNotFoundError']);
  });

  it('schedules the restart of a run Spotify throttled in a playlist for longer than it waits', async () => {
    // Act: every Web API request answered 429 with a Retry-After of two hours; the token is not
    const { run, manifest } = await runOn('throttled', { faults: '429=1,retry-after=7200', tokenFaults: false });
    // Assess
    expect(run.outcome).toMatchObject({ status: 'failed', error: mapRunFailedError });
    expect(manifest.lastAttempt).toMatchObject({ status: 'failed', error: { name: 'SpotifyThrottledError' }, resumeAfter: '2026-11-20T08:00:00.000Z' });
    expect(run.notifications[0]?.message).toContain('a restart of the same dates and playlists is scheduled');
  });
});
