import { describe, expect, it } from 'vitest';
import { AsyncRequestMeter } from '../../../adapters/spotify/request-meter';
import { SpotifyNotFoundError, SpotifyUnavailableError } from '../../../core/errors';
import { countsOfKey, latestFailedInvocation } from '../../../core/requests';
import { steps } from '../../../steps/registry';
import { countingRequests, countsFlushMarginMs } from '../../../steps/request-counts';
import { MemoryBlobStore } from './fakes';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('the Spotify requests of a step invocation', () => {
  it('are stored as one object per invocation under the run, apart for two invocations running at once, and also when the step throws', async () => {
    // Prepare: two playlists' invocations interleave their requests, as the local run's Map does
    const store = new MemoryBlobStore();
    const meter = new AsyncRequestMeter();
    const send = async (n: number, token = false) => {
      for (let i = 0; i < n; i += 1) {
        await tick();
        if (token) meter.tokenRequest();
        meter.apiRequest();
      }
    };
    const logic = async (input: { playlistId: string }) => {
      if (input.playlistId === '37i9dQZF1DZ06evO25rXbO') {
        await send(3, true);
        throw new Error('Spotify said no');
      }
      await send(5);
      return { done: true };
    };
    const run = countingRequests(steps.extractItems, { store, meter }, logic as never);
    const cursor = { offset: 0, total: 10 };
    const executionName = 'manual-1';
    // Act
    const [ok, failed] = await Promise.allSettled([
      run({ date: '2026-11-20', playlistId: '1Cp6VQCKf2VL4sP09jN9oX', cursor, executionName }),
      run({ date: '2026-11-20', playlistId: '37i9dQZF1DZ06evO25rXbO', cursor, executionName }),
    ]);
    await run({ date: '2026-11-20', playlistId: '1Cp6VQCKf2VL4sP09jN9oX', cursor, executionName });
    // A payload of a definition before the execution name was passed on: counted, not stored.
    await run({ date: '2026-11-20', playlistId: '1Cp6VQCKf2VL4sP09jN9oX', cursor });
    // Assess
    expect(ok).toMatchObject({ status: 'fulfilled', value: { done: true } });
    expect(failed).toMatchObject({ status: 'rejected', reason: { message: 'Spotify said no' } });
    const prefix = 'raw/requests/run_id=manual-1/snapshot_date=2026-11-20/ExtractItems.';
    const countsOf = async (playlistId: string) => (await store.list(`${prefix}${playlistId}.`)).map((key) => countsOfKey(key));
    expect(await countsOf('1Cp6VQCKf2VL4sP09jN9oX')).toEqual([
      { spotifyApi: 5, spotifyToken: 0 },
      { spotifyApi: 5, spotifyToken: 0 },
    ]);
    expect(await countsOf('37i9dQZF1DZ06evO25rXbO')).toEqual([{ spotifyApi: 3, spotifyToken: 3 }]);
    expect(await store.list('raw/requests/')).toHaveLength(3);
    // One PUT per invocation that sent something, and nothing else.
    expect(store.puts).toHaveLength(3);
  });

  it("of an invocation that fails are stored with its error, whether the state machine retries it, and even when it sent none", async () => {
    // Prepare
    const store = new MemoryBlobStore();
    const meter = new AsyncRequestMeter();
    const throwing = (error: Error) => countingRequests(steps.extractItems, { store, meter }, (async () => Promise.reject(error)) as never);
    const cursor = { offset: 0, total: 10 };
    const input = (playlistId: string) => ({ date: '2026-11-20', playlistId, cursor, executionName: 'manual-1' });
    // Act
    await throwing(new SpotifyNotFoundError('Spotify has no playlist 37i9dQZF1DZ06evO25rXbO'))(input('37i9dQZF1DZ06evO25rXbO')).catch(() => undefined);
    await throwing(new SpotifyUnavailableError('Spotify answered 503'))(input('1Cp6VQCKf2VL4sP09jN9oX')).catch(() => undefined);
    // Assess
    const bodies = await Promise.all((await store.list('raw/requests/')).map(async (key) => ({ key, body: store.json(key) as Record<string, unknown> })));
    expect(bodies.map(({ key, body }) => [key.split('.')[1], countsOfKey(key), body['error'], body['retried']])).toEqual([
      ['1Cp6VQCKf2VL4sP09jN9oX', { spotifyApi: 0, spotifyToken: 0 }, { Error: 'SpotifyUnavailableError', Cause: JSON.stringify({ errorType: 'SpotifyUnavailableError', errorMessage: 'Spotify answered 503' }) }, true],
      ['37i9dQZF1DZ06evO25rXbO', { spotifyApi: 0, spotifyToken: 0 }, { Error: 'SpotifyNotFoundError', Cause: JSON.stringify({ errorType: 'SpotifyNotFoundError', errorMessage: 'Spotify has no playlist 37i9dQZF1DZ06evO25rXbO' }) }, false],
    ]);
    expect(await latestFailedInvocation(store, 'manual-1')).toMatchObject({ Error: 'SpotifyNotFoundError' });
  });

  it('are stored shortly before the step times out, so an invocation stopped then still counts, and the rest at its end', async () => {
    // Prepare: a step whose counts are stored 100 ms after it starts (its timeout less the margin)
    const store = new MemoryBlobStore();
    const meter = new AsyncRequestMeter();
    const step = { ...steps.getPlaylist, timeoutSeconds: (countsFlushMarginMs + 100) / 1000 };
    const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const stuck = countingRequests(step, { store, meter }, (async () => {
      meter.apiRequest();
      meter.apiRequest();
      return new Promise(() => undefined);
    }) as never);
    const slow = countingRequests(step, { store, meter }, (async () => {
      meter.apiRequest();
      await later(200);
      meter.tokenRequest();
      return { done: true };
    }) as never);
    const input = (playlistId: string) => ({ date: '2026-11-20', playlistId, executionName: 'manual-1' });
    // Act
    void stuck(input('1Cp6VQCKf2VL4sP09jN9oX'));
    await slow(input('37i9dQZF1DZ06evO25rXbO'));
    // Assess
    const countsOf = async (playlistId: string) =>
      (await store.list(`raw/requests/run_id=manual-1/snapshot_date=2026-11-20/GetPlaylist.${playlistId}.`)).map((key) => countsOfKey(key));
    expect(await countsOf('1Cp6VQCKf2VL4sP09jN9oX')).toEqual([{ spotifyApi: 2, spotifyToken: 0 }]);
    expect(await countsOf('37i9dQZF1DZ06evO25rXbO')).toEqual(
      expect.arrayContaining([
        { spotifyApi: 1, spotifyToken: 0 },
        { spotifyApi: 0, spotifyToken: 1 },
      ]),
    );
    expect(await countsOf('37i9dQZF1DZ06evO25rXbO')).toHaveLength(2);
  });

  it("are stored shortly before the invocation's remaining time runs out when the handler knows it (a Lambda context), not the step's whole timeout", async () => {
    // Prepare: the step's own timeout is far off; the context says 100 ms more than the margin are left
    const store = new MemoryBlobStore();
    const meter = new AsyncRequestMeter();
    const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const stuck = countingRequests(
      steps.getPlaylist,
      { store, meter },
      (async () => {
        meter.apiRequest();
        return new Promise(() => undefined);
      }) as never,
      { remainingMs: () => countsFlushMarginMs + 100 },
    );
    // Act
    void stuck({ date: '2026-11-20', playlistId: '1Cp6VQCKf2VL4sP09jN9oX', executionName: 'manual-1' });
    await later(400);
    // Assess
    expect((await store.list('raw/requests/run_id=manual-1/')).map((key) => countsOfKey(key))).toEqual([{ spotifyApi: 1, spotifyToken: 0 }]);
  });

  it('are neither counted nor stored for a step that does not call Spotify', async () => {
    const store = new MemoryBlobStore();
    const logic = async () => ({ published: [], skipped: [] });

    expect(countingRequests(steps.recordRun, { store, meter: new AsyncRequestMeter() }, logic as never)).toBe(logic);
  });
});
