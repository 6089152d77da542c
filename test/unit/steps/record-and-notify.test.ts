import { describe, expect, it } from 'vitest';
import { mapRunFailedError, resumeAfterPhrase } from '../../../core/errors';
import { curatedPartKey, executionRequestsStem, playlistRequestsStem, runManifestKey } from '../../../core/lake/keys';
import { buildAttempt, withAttempt, type RunManifest, type RunStatus } from '../../../core/lake/manifest';
import { writeManifest } from '../../../core/manifests';
import { countsOfKey, noRequests, storeRequests } from '../../../core/requests';
import type { RunPlan } from '../../../core/run-input';
import { tableNames } from '../../../core/tables';
import { runNotifyFailure } from '../../../steps/notify-failure/step';
import { runRecordRun } from '../../../steps/record-run/step';
import { steps } from '../../../steps/registry';
import { fixedClock, MemoryBlobStore, MemoryDateLeases, RecordingNotifier, RecordingRestarts } from './fakes';

const clock = fixedClock('2026-11-20T09:20:00Z');
const plan: RunPlan = {
  run: { mode: 'backfill', executionName: 'exec-2', startedAt: '2026-11-20T09:00:00.000Z' },
  playlistIds: ['1Cp6VQCKf2VL4sP09jN9oX'],
  rebuildLanded: false,
  dates: [
    { date: '2026-11-18', extract: false },
    { date: '2026-11-19', extract: false },
  ],
  skipped: ['2026-11-17'],
};

const attemptOf = (executionName: string, status: RunStatus) =>
  buildAttempt({ status, mode: 'backfill', executionName, extractedAt: null, updatedAt: '2026-11-20T09:00:00.000Z' });

/** A date that exec-1 published, then `executionName`'s attempt at `status`. */
const manifestOf = (date: string, executionName: string, status: RunStatus): RunManifest =>
  withAttempt(date, withAttempt(date, undefined, attemptOf('exec-1', 'succeeded')), attemptOf(executionName, status));

const read = (store: MemoryBlobStore, date: string) => store.json(runManifestKey(date)) as RunManifest;

/** The invocations' count objects below `prefix`. */
const invocationCounts = async (store: MemoryBlobStore, prefix: string) => (await store.list(prefix)).filter((key) => countsOfKey(key) !== undefined);

describe(steps.recordRun.stateName, () => {
  it("publishes each validated date in one manifest write, keeps the files of the run it replaced until the next publication, removes the others, and records skipped dates", async () => {
    // Prepare: exec-1 published, exec-0 abandoned, exec-2 validated
    const store = new MemoryBlobStore();
    for (const { date } of plan.dates) {
      await writeManifest(store, manifestOf(date, 'exec-2', 'validated'));
      for (const table of tableNames) {
        await store.put(curatedPartKey(table, date, 'exec-0', 0), 'abandoned');
        await store.put(curatedPartKey(table, date, 'exec-1', 0), 'old');
        await store.put(curatedPartKey(table, date, 'exec-2', 0), 'new');
      }
    }
    await store.put('curated/songs/snapshot_date=2026-11-18/stray.parquet', 'foreign');
    // Act
    const output = await runRecordRun({ store, clock, leases: new MemoryDateLeases() })({ plan });
    // Assess: a reader that read exec-1's manifest before the switch still finds its files
    expect(output).toEqual({ published: ['2026-11-18', '2026-11-19'], skipped: ['2026-11-17'] });
    expect(read(store, '2026-11-18')).toMatchObject({
      published: { executionName: 'exec-2', status: 'succeeded', publishedAt: '2026-11-20T09:20:00.000Z' },
      lastAttempt: { executionName: 'exec-2', status: 'succeeded' },
      replacedRunId: 'exec-1',
    });
    expect(await store.list('curated/songs/snapshot_date=2026-11-18/')).toEqual([curatedPartKey('songs', '2026-11-18', 'exec-1', 0), curatedPartKey('songs', '2026-11-18', 'exec-2', 0)]);
    expect(read(store, '2026-11-17')).toMatchObject({ published: null, lastAttempt: { status: 'skipped' } });
    // Act: the next publication of the date, and a retry of it
    const next = { ...plan, run: { ...plan.run, executionName: 'exec-3' } };
    for (const { date } of plan.dates) {
      await writeManifest(store, withAttempt(date, read(store, date), attemptOf('exec-3', 'validated')));
      for (const table of tableNames) await store.put(curatedPartKey(table, date, 'exec-3', 0), 'newer');
    }
    await runRecordRun({ store, clock, leases: new MemoryDateLeases() })({ plan: next });
    await store.put(curatedPartKey('songs', '2026-11-18', 'exec-1', 0), 'put back by a late writer');
    await runRecordRun({ store, clock, leases: new MemoryDateLeases() })({ plan: next });
    // Assess: exec-1 goes, exec-2 stays as the run exec-3 replaced
    expect(read(store, '2026-11-18')).toMatchObject({ published: { executionName: 'exec-3' }, replacedRunId: 'exec-2' });
    expect(await store.list('curated/songs/snapshot_date=2026-11-18/')).toEqual([curatedPartKey('songs', '2026-11-18', 'exec-2', 0), curatedPartKey('songs', '2026-11-18', 'exec-3', 0)]);
  });

  it("records the Spotify requests the run's steps counted for each date, FetchToken's on its first date, and leaves the counts as they were", async () => {
    // Prepare
    const store = new MemoryBlobStore();
    for (const { date } of plan.dates) await writeManifest(store, manifestOf(date, 'exec-2', 'validated'));
    await storeRequests(store, playlistRequestsStem('exec-2', '2026-11-18', 'GetPlaylist', '1Cp6VQCKf2VL4sP09jN9oX'), '1', { spotifyApi: 3, spotifyToken: 0 });
    await storeRequests(store, playlistRequestsStem('exec-2', '2026-11-18', 'ExtractItems', '37i9dQZF1DZ06evO25rXbO'), '2', { spotifyApi: 2, spotifyToken: 1 });
    await storeRequests(store, playlistRequestsStem('exec-2', '2026-11-19', 'GetPlaylist', '1Cp6VQCKf2VL4sP09jN9oX'), '3', { spotifyApi: 1, spotifyToken: 0 });
    await storeRequests(store, executionRequestsStem('exec-2', 'FetchToken'), '4', { spotifyApi: 0, spotifyToken: 1 });
    // Another run's counts of the same date are not this run's.
    await storeRequests(store, playlistRequestsStem('exec-1', '2026-11-18', 'GetPlaylist', '1Cp6VQCKf2VL4sP09jN9oX'), '5', { spotifyApi: 50, spotifyToken: 0 });
    // Act
    await runRecordRun({ store, clock, leases: new MemoryDateLeases() })({ plan });
    // Assess
    expect(read(store, '2026-11-18').published?.requests).toEqual({ spotifyApi: 5, spotifyToken: 2 });
    expect(read(store, '2026-11-19').published?.requests).toEqual({ spotifyApi: 1, spotifyToken: 0 });
    // Summed from their keys: nothing below raw/requests/ written or removed, so a later summing finds them all again.
    expect(await invocationCounts(store, 'raw/requests/run_id=exec-2/')).toHaveLength(4);
    expect(await invocationCounts(store, 'raw/requests/run_id=exec-1/')).toHaveLength(1);
    expect(store.puts.filter((key) => key.startsWith('raw/requests/'))).toHaveLength(5);
  });

  it('publishes nothing of a date whose attempt did not pass validation', async () => {
    // Prepare
    const store = new MemoryBlobStore();
    await writeManifest(store, manifestOf('2026-11-18', 'exec-2', 'normalised'));
    // Act
    const recording = runRecordRun({ store, clock, leases: new MemoryDateLeases() })({ plan });
    // Assess
    await expect(recording).rejects.toThrow(/2026-11-18 cannot be published: this run's attempt is normalised, not validated/);
    expect(read(store, '2026-11-18').published?.executionName).toBe('exec-1');
  });
});

describe(steps.notifyFailure.stateName, () => {
  it("records the failed attempt on every date of the run, keeps each date's published run, and notifies", async () => {
    // Prepare
    const store = new MemoryBlobStore();
    await writeManifest(store, manifestOf('2026-11-18', 'exec-2', 'normalised'));
    await writeManifest(store, manifestOf('2026-11-19', 'exec-1', 'succeeded'));
    const notifier = new RecordingNotifier();
    const cause = JSON.stringify({ errorType: 'CrawlerFailedError', errorMessage: 'The crawler failed: access denied.', trace: [] });
    // Act
    const output = await runNotifyFailure({ store, notifier, clock, leases: new MemoryDateLeases(), restarts: new RecordingRestarts() })({ error: { Error: 'CrawlerFailedError', Cause: cause }, plan });
    // Assess
    expect(output).toEqual({ error: 'CrawlerFailedError', message: 'The crawler failed: access denied.', failedDates: ['2026-11-18', '2026-11-19'] });
    const error = { name: 'CrawlerFailedError', message: 'The crawler failed: access denied.' };
    expect(read(store, '2026-11-18')).toMatchObject({ published: { executionName: 'exec-1' }, lastAttempt: { executionName: 'exec-2', status: 'failed', error } });
    expect(read(store, '2026-11-19')).toMatchObject({ published: { executionName: 'exec-1' }, lastAttempt: { executionName: 'exec-2', status: 'failed', error } });
    expect(notifier.sent).toEqual([
      {
        subject: 'spotify-etl: CrawlerFailedError',
        message: expect.stringContaining('backfill run exec-2 for 2026-11-18, 2026-11-19 failed with CrawlerFailedError: The crawler failed: access denied.'),
      },
    ]);
  });

  it('leaves a date this run already published as published, and a damaged manifest for a rebuild to replace', async () => {
    // Prepare
    const store = new MemoryBlobStore();
    await writeManifest(store, withAttempt('2026-11-18', undefined, attemptOf('exec-2', 'succeeded')));
    await store.put(runManifestKey('2026-11-19'), '{ not json');
    // Act
    const output = await runNotifyFailure({ store, notifier: new RecordingNotifier(), clock, leases: new MemoryDateLeases(), restarts: new RecordingRestarts() })({ error: { Error: 'QueryFailedError', Cause: 'x' }, plan });
    // Assess
    expect(output.failedDates).toEqual([]);
    expect(read(store, '2026-11-18').lastAttempt.status).toBe('succeeded');
    expect(new TextDecoder().decode(await store.get(runManifestKey('2026-11-19')))).toBe('{ not json');
  });

  it('records when a run throttled with a long Retry-After may resume, and schedules its restart with the same input then', async () => {
    // Prepare
    const store = new MemoryBlobStore();
    await writeManifest(store, manifestOf('2026-11-18', 'exec-2', 'normalised'));
    await storeRequests(store, playlistRequestsStem('exec-2', '2026-11-18', 'ExtractItems', '1Cp6VQCKf2VL4sP09jN9oX'), '6', { spotifyApi: 7, spotifyToken: 0 });
    const restarts = new RecordingRestarts();
    const notifier = new RecordingNotifier();
    const cause = JSON.stringify({ errorType: 'SpotifyThrottledError', errorMessage: `Spotify rate-limited it. ${resumeAfterPhrase(7200)}`, trace: [] });
    // Act
    const output = await runNotifyFailure({ store, notifier, clock, leases: new MemoryDateLeases(), restarts })({ error: { Error: 'SpotifyThrottledError', Cause: cause }, plan });
    // Assess
    expect(output.resumeAfter).toBe('2026-11-20T11:20:00.000Z');
    expect(read(store, '2026-11-18')).toMatchObject({
      published: { executionName: 'exec-1' },
      lastAttempt: { executionName: 'exec-2', status: 'failed', resumeAfter: '2026-11-20T11:20:00.000Z', requests: { spotifyApi: 7, spotifyToken: 0 } },
    });
    expect(restarts.scheduled).toEqual([{ executionName: 'exec-2', at: '2026-11-20T11:20:00.000Z', inputs: [{ mode: 'backfill', from: '2026-11-17', to: '2026-11-19', playlists: ['1Cp6VQCKf2VL4sP09jN9oX'] }] }]);
    expect(notifier.sent[0]?.message).toContain('Spotify allows it again after 2026-11-20T11:20:00.000Z');
    expect(await invocationCounts(store, 'raw/requests/')).toHaveLength(1);
  });

  it("records the error that ended a playlist's child when the Distributed Map reports only that one failed (on AWS): the latest the state machine does not retry", async () => {
    // Prepare: a retried 503 after the throttle, and FetchToken's failure, are not what ended the child
    const store = new MemoryBlobStore();
    await writeManifest(store, manifestOf('2026-11-18', 'exec-2', 'normalised'));
    const playlist = playlistRequestsStem('exec-2', '2026-11-18', 'ExtractItems', '1Cp6VQCKf2VL4sP09jN9oX');
    const failure = (name: string, message: string, at: string, retried: boolean) => ({
      error: { Error: name, Cause: JSON.stringify({ errorType: name, errorMessage: message }) },
      at: new Date(at),
      retried,
    });
    await storeRequests(store, playlist, 'a', { spotifyApi: 2, spotifyToken: 0 }, failure('SpotifyThrottledError', `Spotify rate-limited it. ${resumeAfterPhrase(7200)}`, '2026-11-20T09:10:00Z', false));
    await storeRequests(store, playlist, 'b', { spotifyApi: 1, spotifyToken: 0 }, failure('SpotifyUnavailableError', 'Spotify answered 503', '2026-11-20T09:11:00Z', true));
    await storeRequests(store, executionRequestsStem('exec-2', 'FetchToken'), 'c', noRequests, failure('SpotifyAuthError', 'refused', '2026-11-20T09:12:00Z', false));
    const restarts = new RecordingRestarts();
    const notifier = new RecordingNotifier();
    // Act
    const mapFailed = { Error: mapRunFailedError, Cause: 'The specified tolerated failure threshold was exceeded' };
    const output = await runNotifyFailure({ store, notifier, clock, leases: new MemoryDateLeases(), restarts })({ error: mapFailed, plan });
    // Assess
    expect(output).toMatchObject({ error: 'SpotifyThrottledError', resumeAfter: '2026-11-20T11:20:00.000Z' });
    expect(read(store, '2026-11-18').lastAttempt).toMatchObject({ error: { name: 'SpotifyThrottledError' }, requests: { spotifyApi: 3, spotifyToken: 0 } });
    expect(restarts.scheduled).toHaveLength(1);
    expect(notifier.sent[0]?.subject).toBe('spotify-etl: SpotifyThrottledError');
  });

  it("keeps the Distributed Map's error when no playlist step stored one it does not retry (a child that ran out of time, and another's 503 that a retry mended)", async () => {
    // Prepare
    const store = new MemoryBlobStore();
    await writeManifest(store, manifestOf('2026-11-18', 'exec-2', 'normalised'));
    const unavailable = { Error: 'SpotifyUnavailableError', Cause: JSON.stringify({ errorType: 'SpotifyUnavailableError', errorMessage: 'Spotify answered 503' }) };
    await storeRequests(store, playlistRequestsStem('exec-2', '2026-11-18', 'ExtractItems', '1Cp6VQCKf2VL4sP09jN9oX'), 'a', { spotifyApi: 1, spotifyToken: 0 }, { error: unavailable, at: new Date('2026-11-20T09:10:00Z'), retried: true });
    // Act
    const output = await runNotifyFailure({ store, notifier: new RecordingNotifier(), clock, leases: new MemoryDateLeases(), restarts: new RecordingRestarts() })({
      error: { Error: mapRunFailedError, Cause: 'The specified tolerated failure threshold was exceeded' },
      plan,
    });
    // Assess
    expect(output.error).toBe(mapRunFailedError);
  });

  it('records no resume time and schedules nothing for another error, or a throttle without one long Retry-After', async () => {
    for (const error of [
      { Error: 'SpotifyThrottledError', Cause: 'Spotify rate-limited it 6 times in a row: the run stops as throttled.' },
      { Error: 'SpotifyUnavailableError', Cause: `Spotify did not answer. ${resumeAfterPhrase(60)}` },
    ]) {
      // Prepare
      const store = new MemoryBlobStore();
      const restarts = new RecordingRestarts();
      // Act
      const output = await runNotifyFailure({ store, notifier: new RecordingNotifier(), clock, leases: new MemoryDateLeases(), restarts })({ error, plan });
      // Assess
      expect(output.resumeAfter).toBeUndefined();
      expect(read(store, '2026-11-18').lastAttempt.resumeAfter).toBeUndefined();
      expect(restarts.scheduled).toEqual([]);
    }
  });

  it('notifies without touching any manifest when the run failed before it had a plan', async () => {
    const store = new MemoryBlobStore();
    const notifier = new RecordingNotifier();

    const output = await runNotifyFailure({ store, notifier, clock, leases: new MemoryDateLeases(), restarts: new RecordingRestarts() })({ error: { Error: 'InvalidInputError', Cause: 'mode: "weekly" is not a run mode' } });

    expect(output.failedDates).toEqual([]);
    expect(store.puts).toEqual([]);
    expect(notifier.sent[0]?.message).toContain('mode: "weekly" is not a run mode');
  });
});
