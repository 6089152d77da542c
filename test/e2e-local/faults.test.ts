/**
 * The rendered machine with the real step code against an emulator that misbehaves: 429s with a
 * Retry-After long enough to become a Wait state, 5xx, resets, truncated bodies and expired tokens
 * are all absorbed and the rows equal a clean run's; a refused credential ends in NotifyFailure.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorOptions } from '../../adapters/spotify/emulator/server';
import { runPipeline, type PipelineRun } from '../../cli/local/pipeline';
import { runManifestKey } from '../../core/lake/keys';
import type { RunManifest } from '../../core/lake/manifest';
import type { SpotifyCredentials } from '../../core/ports';
import { tableNames } from '../../core/tables';
import { stateNames } from '../../state-machine/definition';
import type { ExecutionEvent } from '../../state-machine/local-executor';
import { steps } from '../../steps/registry';
import { publishedPart } from '../support/published';
import { tempFolderForSuite } from '../support/temp-folders';

const date = '2026-11-20';
const clock = { now: () => new Date(`${date}T06:00:00Z`) };

const named = (events: readonly ExecutionEvent[], type: string, name: string): number =>
  events.filter((event) => event.type === type && (event as { state?: { name: string } }).state?.name === name).length;

describe('a run against a faulty emulator', () => {
  const root = tempFolderForSuite('spotify-etl-faults-');

  const runOn = async (lake: string, options: EmulatorOptions, credentials: Partial<SpotifyCredentials> = {}) => {
    const emulator = await startEmulator({ seed: 5, catalogSeed: 5, ...options });
    try {
      const run: PipelineRun = await runPipeline({
        lake: join(root(), lake),
        request: { mode: 'manual', date },
        source: { kind: 'emulator', ...emulator, credentials: { ...emulator.credentials, ...credentials } },
        clock,
        // Small invocations, so the long playlists go round the ExtractItems loop many times.
        maxPages: 3,
      });
      const cache = await readFile(join(root(), lake, '.state', 'emulator', 'token-cache.json'), 'utf8').catch(() => '{"accessToken":""}');
      const secrets = [emulator.credentials.clientSecret, emulator.credentials.refreshToken ?? '', (JSON.parse(cache) as { accessToken: string }).accessToken];
      return { run, stats: emulator.stats(), secrets };
    } finally {
      await emulator.close();
    }
  };

  const parts = async (lake: string): Promise<string[]> =>
    Promise.all(tableNames.map(async (table) => createHash('sha256').update(await readFile(publishedPart(join(root(), lake), table, date))).digest('hex')));

  it('absorbs rate limits, server errors, resets, truncated bodies and expired tokens, and writes what a clean run writes', async () => {
    // Prepare
    const clean = await runOn('clean', {});
    // Act: with seed 5 this mix draws its 429s on item pages only; a 429 of 8 s on the token
    // ends the run as throttled by design (no Wait state follows FetchToken)
    const faulty = await runOn('faulty', { faults: '429=0.04,500=0.05,503=0.05,reset=0.03,truncate=0.03,expire-token=0.03,retry-after=8' });
    // Assess
    expect(clean.run.outcome.status).toBe('succeeded');
    expect(faulty.run.outcome).toMatchObject({ status: 'succeeded' });
    expect(faulty.stats.faultsInjected).toBeGreaterThan(0);
    expect(named(faulty.run.outcome.events, 'StateEntered', stateNames.waitRetryAfter)).toBeGreaterThan(0);
    expect(named(clean.run.outcome.events, 'StateEntered', steps.extractItems.stateName)).toBeGreaterThan(clean.run.outcome.events.filter((e) => e.type === 'MapIterationStarted').length);
    expect(await parts('faulty')).toEqual(await parts('clean'));
  });

  it('fails as throttled, not rate-limited, when Spotify asks for a wait longer than a step sits out where no Wait state follows', async () => {
    // Act
    const { run } = await runOn('long-429', { faults: '429=1,retry-after=60' });
    // Assess
    expect(run.outcome).toMatchObject({ status: 'failed', error: 'SpotifyThrottledError' });
    expect(named(run.outcome.events, 'StateEntered', steps.notifyFailure.stateName)).toBe(1);
  });

  it('never puts a secret or an access token into a state payload', async () => {
    const { run, secrets } = await runOn('secrets', {});

    const history = JSON.stringify(run.outcome.events);

    expect(run.outcome.status).toBe('succeeded');
    expect(secrets.every((secret) => secret.length > 10)).toBe(true);
    expect(secrets.filter((secret) => history.includes(secret))).toEqual([]);
  });

  it('fails with the credential error through NotifyFailure, recording it in the manifest', async () => {
    // Act
    const { run } = await runOn('refused', {}, { clientSecret: 'not-the-secret' });
    // Assess
    expect(run.outcome).toMatchObject({ status: 'failed', error: 'SpotifyAuthError' });
    expect(named(run.outcome.events, 'StateEntered', steps.notifyFailure.stateName)).toBe(1);
    expect(named(run.outcome.events, 'StateEntered', steps.getPlaylist.stateName)).toBe(0);
    const manifest = JSON.parse(await readFile(join(root(), 'refused', runManifestKey(date)), 'utf8')) as RunManifest;
    expect(manifest).toMatchObject({ published: null, lastAttempt: { status: 'failed', error: { name: 'SpotifyAuthError' } } });
    expect(JSON.stringify(manifest)).not.toContain('not-the-secret');
    expect(run.notifications).toHaveLength(1);
  });
});
