import { describe, expect, it } from 'vitest';
import { AsyncRequestMeter } from '../../../adapters/spotify/request-meter';
import { playlistRequestsKey } from '../../../core/lake/keys';
import { steps } from '../../../steps/registry';
import { countingRequests } from '../../../steps/request-counts';
import { MemoryBlobStore } from './fakes';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('the Spotify requests of a step invocation', () => {
  it('are added to the playlist\'s count in the lake, apart for two invocations running at once, and also when the step throws', async () => {
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
    // Act
    const [ok, failed] = await Promise.allSettled([
      run({ date: '2026-11-20', playlistId: '1Cp6VQCKf2VL4sP09jN9oX', cursor }),
      run({ date: '2026-11-20', playlistId: '37i9dQZF1DZ06evO25rXbO', cursor }),
    ]);
    await run({ date: '2026-11-20', playlistId: '1Cp6VQCKf2VL4sP09jN9oX', cursor });
    // Assess
    expect(ok).toMatchObject({ status: 'fulfilled', value: { done: true } });
    expect(failed).toMatchObject({ status: 'rejected', reason: { message: 'Spotify said no' } });
    expect(store.json(playlistRequestsKey('2026-11-20', '1Cp6VQCKf2VL4sP09jN9oX'))).toEqual({ spotifyApi: 10, spotifyToken: 0 });
    expect(store.json(playlistRequestsKey('2026-11-20', '37i9dQZF1DZ06evO25rXbO'))).toEqual({ spotifyApi: 3, spotifyToken: 3 });
  });

  it('are neither counted nor stored for a step that does not call Spotify', async () => {
    const store = new MemoryBlobStore();
    const logic = async () => ({ published: [], skipped: [] });

    expect(countingRequests(steps.recordRun, { store, meter: new AsyncRequestMeter() }, logic as never)).toBe(logic);
  });
});
