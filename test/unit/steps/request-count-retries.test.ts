import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../../adapters/local/fs-blob-store';
import { resumeAfterPhrase } from '../../../core/errors';
import { executionRequestsStem, playlistRequestsStem, requestsPrefix, runManifestKey, runRequestsPrefix } from '../../../core/lake/keys';
import { buildAttempt, withAttempt, type RunManifest, type RunStatus } from '../../../core/lake/manifest';
import { readManifest, writeManifest } from '../../../core/manifests';
import type { BlobStore, RunRestarts } from '../../../core/ports';
import { countsOfKey, storeRequests, sumRequests, type RequestCounts } from '../../../core/requests';
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

/** A store on a temp folder that keeps the requests each manifest write recorded. */
class WatchedStore implements BlobStore {
  public readonly recorded: RequestCounts[] = [];
  public constructor(private readonly inner: FsBlobStore) {}
  public async put(key: string, body: Uint8Array | string): Promise<void> {
    const requests = key === runManifestKey(date) ? (JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body)) as RunManifest).lastAttempt.requests : undefined;
    // Only the summing steps record requests: the tests' own manifests have none.
    if (requests) this.recorded.push(requests);
    return this.inner.put(key, body);
  }
  public get(key: string): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }
  public list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix);
  }
  public delete(keys: readonly string[]): Promise<void> {
    return this.inner.delete(keys);
  }
}

/** A promise and the function that settles it. */
const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
};

/**
 * Two views of `store` for two steps at once: the second lists the counts only once the first has
 * written to the lake, and makes every later call only once the first has ended (`end`), so it
 * works from a listing taken half-way through the first.
 */
const overlapping = (store: BlobStore) => {
  const wrote = gate();
  const ended = gate();
  let listed = false;
  const first: BlobStore = {
    put: async (key, body) => {
      await store.put(key, body);
      wrote.open();
    },
    get: (key) => store.get(key),
    list: (prefix) => store.list(prefix),
    delete: (keys) => store.delete(keys),
  };
  const after = async <T>(call: () => Promise<T>): Promise<T> => {
    if (listed) await ended.opened;
    return call();
  };
  const second: BlobStore = {
    put: (key, body) => after(() => store.put(key, body)),
    get: (key) => after(() => store.get(key)),
    delete: (keys) => after(() => store.delete(keys)),
    list: async (prefix) => {
      if (!prefix.startsWith(requestsPrefix)) return after(() => store.list(prefix));
      await wrote.opened;
      const keys = await store.list(prefix);
      listed = true;
      return keys;
    },
  };
  return { first, second, end: ended.open };
};

/** Scheduling fails once, as a Scheduler call may: after NotifyFailure recorded the counts. */
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

const storeAt = async () => new WatchedStore(new FsBlobStore(join(await tempFolder('request-counts-'), 'lake')));

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

// A long Retry-After, so that NotifyFailure schedules a restart after recording the counts.
const throttled = { Error: 'SpotifyThrottledError', Cause: `Spotify rate-limited it. ${resumeAfterPhrase(7200)}` };
const notify = (store: BlobStore, restarts: RunRestarts, executionName = 'exec-2') =>
  runNotifyFailure({ store, notifier: new RecordingNotifier(), clock, leases: new MemoryDateLeases(), restarts })({ error: throttled, plan: planOf(executionName) });

/** RecordRun of exec-2 whose first try fails after publishing, giving back its leases (as DynamoDB may), and whose next tries succeed. */
const recordingFailingOnce = (store: BlobStore) => {
  const leases = new MemoryDateLeases();
  const release = leases.release.bind(leases);
  let releases = 0;
  leases.release = async (dates, holder) => {
    releases += 1;
    if (releases === 1) throw new Error('DynamoDB said 500');
    await release(dates, holder);
  };
  return () => runRecordRun({ store, clock, leases })({ plan: planOf('exec-2') });
};

const requestsOf = async (store: BlobStore): Promise<RequestCounts | undefined> => (await readManifest(store, date))?.lastAttempt.requests;

/** The invocations' count objects of a run in the lake. */
const countsIn = async (store: BlobStore, executionName: string) => (await store.list(runRequestsPrefix(executionName))).filter((key) => countsOfKey(key) !== undefined);

/** exec-2 normalised the date and counted its requests; its NotifyFailure's first restart call fails. */
const normalisedWithCounts = async () => {
  const store = await storeAt();
  await writeManifest(store, withAttempt(date, undefined, attemptOf('exec-2', 'normalised')));
  const sent = await countRun(store, 'exec-2');
  return { store, sent, restarts: new FlakyRestarts() };
};

describe('request counts across retries of NotifyFailure and RecordRun', () => {
  it('NotifyFailure retried after it recorded the total records the same total again, and every count stays', async () => {
    // Prepare
    const { store, sent, restarts } = await normalisedWithCounts();
    // Act
    await expect(notify(store, restarts)).rejects.toThrow(/ThrottlingException/);
    await notify(store, restarts);
    // Assess
    expect(store.recorded).toEqual([sent, sent]);
    expect(await countsIn(store, 'exec-2')).toHaveLength(5);
    expect(restarts.inner.scheduled).toHaveLength(1);
  });

  it('a count that lands between two tries of NotifyFailure (an invocation still running at the first) is in the retry\'s total', async () => {
    // Prepare
    const { store, sent, restarts } = await normalisedWithCounts();
    // Act
    await expect(notify(store, restarts)).rejects.toThrow(/ThrottlingException/);
    await storeRequests(store, playlistRequestsStem('exec-2', date, 'ExtractItems', other), 'late', { spotifyApi: 4, spotifyToken: 0 });
    await notify(store, restarts);
    // Assess
    expect(store.recorded).toEqual([sent, { spotifyApi: 11, spotifyToken: 1 }]);
  });

  it('two summing steps at once (RecordRun timed out by the machine while it goes on, NotifyFailure caught it) record the total once, not twice', async () => {
    // Prepare: NotifyFailure lists the counts once RecordRun has published, and goes on once RecordRun has ended
    const store = await storeAt();
    await writeManifest(store, withAttempt(date, undefined, attemptOf('exec-2', 'validated')));
    const sent = await countRun(store, 'exec-2');
    const { first, second, end } = overlapping(store);
    const timeout = { Error: 'States.Timeout', Cause: 'RecordRun timed out' };
    const recordRun = (lake: BlobStore) => runRecordRun({ store: lake, clock, leases: new MemoryDateLeases() })({ plan: planOf('exec-2') });
    // Act, then RecordRun again as a later summing of the run (it takes a larger sum)
    await Promise.all([
      recordRun(first).finally(end),
      runNotifyFailure({ store: second, notifier: new RecordingNotifier(), clock, leases: new MemoryDateLeases(), restarts: new RecordingRestarts() })({ error: timeout, plan: planOf('exec-2') }),
    ]);
    await recordRun(store);
    // Assess
    expect(store.recorded).toEqual([sent]);
    expect(await requestsOf(store)).toEqual(sent);
    expect(await sumRequests(store, [date], 'exec-2')).toEqual(new Map([[date, sent]]));
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
    const record = recordingFailingOnce(store);
    // Act: RecordRun fails after publishing (giving back a lease), and is retried
    await expect(record()).rejects.toThrow(/DynamoDB/);
    const published = await readManifest(store, date);
    const output = await record();
    // Assess
    expect(output.published).toEqual([date]);
    const manifest = (await readManifest(store, date)) as RunManifest;
    expect(manifest.published).toMatchObject({ executionName: 'exec-2', status: 'succeeded', requests: { spotifyApi: 77, spotifyToken: 2 } });
    expect(manifest.lastAttempt.requests).toEqual({ spotifyApi: 77, spotifyToken: 2 });
    // Nothing new was counted in between: the retry leaves the published manifest as it was, unwritten.
    expect(manifest).toEqual(published);
    expect(store.recorded).toHaveLength(2);
    expect(await countsIn(store, 'exec-2')).toHaveLength(10);
  });

  it('RecordRun retried after publishing records a count that landed in between, and stays published as it was', async () => {
    // Prepare: RecordRun published, then failed giving back its leases; an invocation's count lands late
    const store = await storeAt();
    await writeManifest(store, withAttempt(date, undefined, attemptOf('exec-2', 'validated')));
    const sent = await countRun(store, 'exec-2');
    const record = recordingFailingOnce(store);
    await expect(record()).rejects.toThrow(/DynamoDB/);
    const first = (await readManifest(store, date)) as RunManifest;
    await storeRequests(store, playlistRequestsStem('exec-2', date, 'ExtractItems', other), 'late', { spotifyApi: 4, spotifyToken: 0 });
    // Act
    await record();
    // Assess
    const manifest = (await readManifest(store, date)) as RunManifest;
    expect(first.published?.requests).toEqual(sent);
    const larger = { spotifyApi: sent.spotifyApi + 4, spotifyToken: sent.spotifyToken };
    expect(manifest.published).toEqual({ ...first.published, requests: larger });
    expect(manifest.lastAttempt).toEqual(manifest.published);
  });

  it("a second run of the same date counts only its own requests, not those an earlier run left behind", async () => {
    // Prepare: exec-1 stopped with its counts in the lake (no NotifyFailure reached)
    const store = await storeAt();
    await countRun(store, 'exec-1', 100);
    await writeManifest(store, withAttempt(date, undefined, attemptOf('exec-3', 'normalised')));
    const sent = await countRun(store, 'exec-3');
    // Act
    await notify(store, new RecordingRestarts(), 'exec-3');
    // Assess
    expect(await requestsOf(store)).toEqual(sent);
    expect(await countsIn(store, 'exec-1')).toHaveLength(5);
  });
});
