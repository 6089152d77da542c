import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../../adapters/local/fs-blob-store';
import { resumeAfterPhrase } from '../../../core/errors';
import { executionRequestsStem, playlistRequestsStem, runManifestKey, runRequestsPrefix } from '../../../core/lake/keys';
import { buildAttempt, withAttempt, type RunManifest, type RunStatus } from '../../../core/lake/manifest';
import { readManifest, writeManifest } from '../../../core/manifests';
import type { BlobStore, RunRestarts } from '../../../core/ports';
import { countsOfKey, storeRequests, type RequestCounts } from '../../../core/requests';
import type { RunPlan } from '../../../core/run-input';
import { runNotifyFailure } from '../../../steps/notify-failure/step';
import { runRecordRun } from '../../../steps/record-run/step';
import { tempFolder } from '../../support/temp-folders';
import { fixedClock, MemoryDateLeases, RecordingNotifier, RecordingRestarts } from './fakes';

const clock = fixedClock('2026-11-20T09:20:00Z');
const date = '2026-11-20';
const playlist = '1Cp6VQCKf2VL4sP09jN9oX';
const other = '37i9dQZF1DZ06evO25rXbO';

const planOf = (executionName: string): RunPlan => ({
  run: { mode: 'manual', executionName, startedAt: '2026-11-20T09:00:00.000Z' },
  playlistIds: [playlist, other],
  rebuildLanded: false,
  dates: [{ date, extract: true }],
  skipped: [],
});

/** A store on a temp folder whose `delete` removes only the first key and whose next manifest `put` fails, when told to. */
class FaultyStore implements BlobStore {
  public partialDelete = false;
  public failManifestPut = false;
  public constructor(private readonly inner: FsBlobStore) {}
  public put(key: string, body: Uint8Array | string): Promise<void> {
    if (this.failManifestPut && key === runManifestKey(date)) {
      this.failManifestPut = false;
      return Promise.reject(new Error('S3 said 503'));
    }
    return this.inner.put(key, body);
  }
  public get(key: string): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }
  public list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix);
  }
  public async delete(keys: readonly string[]): Promise<void> {
    if (!this.partialDelete) return this.inner.delete(keys);
    this.partialDelete = false;
    await this.inner.delete(keys.slice(0, 1));
    throw new Error('S3 said 503 after one key');
  }
}

/** Scheduling fails once, as a Scheduler call may: after NotifyFailure recorded and deleted the counts. */
class FlakyRestarts implements RunRestarts {
  private failed = false;
  public readonly inner = new RecordingRestarts();
  public async restartAt(restart: { executionName: string; at: Date; inputs: readonly unknown[] }): Promise<void> {
    if (!this.failed) {
      this.failed = true;
      throw new Error('Scheduler said ThrottlingException');
    }
    await this.inner.restartAt(restart);
  }
}

const storeAt = async () => {
  const store = new FaultyStore(new FsBlobStore(join(await tempFolder('request-counts-'), 'lake')));
  return store;
};

const attemptOf = (executionName: string, status: RunStatus) =>
  buildAttempt({ status, mode: 'manual', executionName, extractedAt: null, updatedAt: '2026-11-20T09:00:00.000Z' });

/** What one run's steps counted: FetchToken, two GetPlaylist invocations of one playlist (a Retry-After between) and ExtractItems of both. */
let writes = 0;
const countRun = async (store: BlobStore, executionName: string, api = 1): Promise<RequestCounts> => {
  await storeRequests(store, executionRequestsStem(executionName, 'FetchToken'), `${++writes}`, { spotifyApi: 0, spotifyToken: 1 });
  await storeRequests(store, playlistRequestsStem(executionName, date, 'GetPlaylist', playlist), `${++writes}`, { spotifyApi: api, spotifyToken: 0 });
  await storeRequests(store, playlistRequestsStem(executionName, date, 'GetPlaylist', playlist), `${++writes}`, { spotifyApi: api, spotifyToken: 0 });
  await storeRequests(store, playlistRequestsStem(executionName, date, 'ExtractItems', playlist), `${++writes}`, { spotifyApi: 2 * api, spotifyToken: 0 });
  await storeRequests(store, playlistRequestsStem(executionName, date, 'ExtractItems', other), `${++writes}`, { spotifyApi: 3 * api, spotifyToken: 0 });
  return { spotifyApi: 7 * api, spotifyToken: 1 };
};

// A long Retry-After, so that NotifyFailure schedules a restart after deleting the counts.
const throttled = { Error: 'SpotifyThrottledError', Cause: `Spotify rate-limited it. ${resumeAfterPhrase(7200)}` };
const notify = (store: BlobStore, restarts: RunRestarts, executionName = 'exec-2') =>
  runNotifyFailure({ store, notifier: new RecordingNotifier(), clock, leases: new MemoryDateLeases(), restarts })({ error: throttled, plan: planOf(executionName) });

const requestsOf = async (store: BlobStore): Promise<RequestCounts | undefined> => (await readManifest(store, date))?.lastAttempt.requests;

/** The invocations' own count objects still in the lake (tallies left out). */
const leftOver = async (store: BlobStore, executionName: string) =>
  (await store.list(runRequestsPrefix(executionName))).filter((key) => countsOfKey(key) !== undefined && !key.includes('/tally.'));

describe('request counts across retries of NotifyFailure and RecordRun', () => {
  it('NotifyFailure retried after it deleted the counts records the same total again, not 0/0', async () => {
    // Prepare
    const store = await storeAt();
    await writeManifest(store, withAttempt(date, undefined, attemptOf('exec-2', 'normalised')));
    const sent = await countRun(store, 'exec-2');
    const restarts = new FlakyRestarts();
    // Act
    await expect(notify(store, restarts)).rejects.toThrow(/ThrottlingException/);
    const afterFirst = await requestsOf(store);
    await notify(store, restarts);
    // Assess
    expect(afterFirst).toEqual(sent);
    expect(await requestsOf(store)).toEqual({ spotifyApi: 7, spotifyToken: 1 });
    expect(await leftOver(store, 'exec-2')).toEqual([]);
    expect(restarts.inner.scheduled).toHaveLength(1);
  });

  it('NotifyFailure retried after only some counts were deleted neither loses nor double-counts the rest', async () => {
    // Prepare
    const store = await storeAt();
    await writeManifest(store, withAttempt(date, undefined, attemptOf('exec-2', 'normalised')));
    const sent = await countRun(store, 'exec-2');
    store.partialDelete = true;
    // Act
    await expect(notify(store, new RecordingRestarts())).rejects.toThrow(/after one key/);
    const remaining = (await leftOver(store, 'exec-2')).length;
    await notify(store, new RecordingRestarts());
    // Assess
    expect(remaining).toBe(4);
    expect(await requestsOf(store)).toEqual(sent);
    expect(await leftOver(store, 'exec-2')).toEqual([]);
    // Once nothing it absorbed is left, a tally keeps only its total (in its key).
    const tallies = (await store.list(runRequestsPrefix('exec-2'))).filter((key) => key.includes('/tally.'));
    expect(tallies).toHaveLength(1);
    expect(JSON.parse(new TextDecoder().decode(await store.get(tallies[0] ?? '')))).toEqual({ absorbed: [] });
  });

  it('a summing step that failed between its tally and the manifest write finds the same total when retried', async () => {
    // Prepare
    const store = await storeAt();
    await writeManifest(store, withAttempt(date, undefined, attemptOf('exec-2', 'normalised')));
    const sent = await countRun(store, 'exec-2');
    store.failManifestPut = true;
    // Act
    await expect(notify(store, new RecordingRestarts())).rejects.toThrow(/503/);
    await notify(store, new RecordingRestarts());
    // Assess
    expect(await requestsOf(store)).toEqual(sent);
  });

  it("a redrive's requests add to what the run's first attempt recorded, and a retry after publishing keeps the total", async () => {
    // Prepare: the first attempt failed and NotifyFailure recorded its requests
    const store = await storeAt();
    await writeManifest(store, withAttempt(date, undefined, attemptOf('exec-2', 'normalised')));
    await countRun(store, 'exec-2');
    await notify(store, new RecordingRestarts());
    // The redrive reads the playlists again (same execution name), passes validation and publishes
    await countRun(store, 'exec-2', 10);
    await writeManifest(store, withAttempt(date, await readManifest(store, date), attemptOf('exec-2', 'validated')));
    const leases = new MemoryDateLeases();
    const release = leases.release.bind(leases);
    let releases = 0;
    leases.release = async (dates, holder) => {
      releases += 1;
      if (releases === 1) throw new Error('DynamoDB said 500');
      await release(dates, holder);
    };
    const record = () => runRecordRun({ store, clock, leases })({ plan: planOf('exec-2') });
    // Act: RecordRun fails after publishing (giving back a lease), and is retried
    await expect(record()).rejects.toThrow(/DynamoDB/);
    const output = await record();
    // Assess
    expect(output.published).toEqual([date]);
    const manifest = (await readManifest(store, date)) as RunManifest;
    expect(manifest.published).toMatchObject({ executionName: 'exec-2', status: 'succeeded', requests: { spotifyApi: 77, spotifyToken: 2 } });
    expect(manifest.lastAttempt.requests).toEqual({ spotifyApi: 77, spotifyToken: 2 });
    expect(await leftOver(store, 'exec-2')).toEqual([]);
  });

  it("a second run of the same date counts only its own requests, not those an earlier run left behind", async () => {
    // Prepare: exec-1 stopped with its counts still in the lake (no NotifyFailure reached)
    const store = await storeAt();
    await countRun(store, 'exec-1', 100);
    await writeManifest(store, withAttempt(date, undefined, attemptOf('exec-3', 'normalised')));
    const sent = await countRun(store, 'exec-3');
    // Act
    await notify(store, new RecordingRestarts(), 'exec-3');
    // Assess
    expect(await requestsOf(store)).toEqual(sent);
    expect(await leftOver(store, 'exec-1')).toHaveLength(5);
  });
});
