import { describe, expect, it } from 'vitest';
import { PlaylistChangedError, SpotifyRateLimitedError, SpotifyThrottledError } from '../../../core/errors';
import { rawItemsPageKey, rawPlaylistKey } from '../../../core/lake/keys';
import type { AccessToken } from '../../../core/ports';
import { runExtractItems } from '../../../steps/extract-items/step';
import { runFetchToken } from '../../../steps/fetch-token/step';
import { runGetPlaylist } from '../../../steps/get-playlist/step';
import { steps } from '../../../steps/registry';
import { FakeSpotify, MemoryBlobStore } from './fakes';

const date = '2026-11-20';
const id = '1Cp6VQCKf2VL4sP09jN9oX';

describe(steps.fetchToken.stateName, () => {
  it('caches the access token and returns only its expiry', async () => {
    // Prepare
    const token: AccessToken = { value: 'BQD-secret-access-token', expiresAt: new Date('2026-11-20T10:00:00Z') };
    const cached: AccessToken[] = [];
    const run = runFetchToken({ auth: { fetchAccessToken: async () => token }, tokens: { read: async () => undefined, write: async (t) => void cached.push(t) } });
    // Act
    const output = await run({});
    // Assess
    expect(cached).toEqual([token]);
    expect(output).toEqual({ expiresAt: '2026-11-20T10:00:00.000Z' });
    expect(JSON.stringify(output)).not.toContain(token.value);
  });

  it("returns the refresh token's age beside the expiry, and caches the token without it", async () => {
    // Prepare
    const token: AccessToken = { value: 'BQD-secret-access-token', expiresAt: new Date('2026-11-20T10:00:00Z') };
    const cached: AccessToken[] = [];
    const run = runFetchToken({
      auth: { fetchAccessToken: async () => ({ ...token, refreshTokenAgeDays: 170 }) },
      tokens: { read: async () => undefined, write: async (t) => void cached.push(t) },
    });
    // Act
    const output = await run({});
    // Assess
    expect(output).toEqual({ expiresAt: '2026-11-20T10:00:00.000Z', refreshTokenAgeDays: 170 });
    expect(cached).toEqual([token]);
  });
});

describe(steps.getPlaylist.stateName, () => {
  it('clears the date\'s older playlist.json and pages and opens the cursor, landing no playlist object before the pages', async () => {
    // Prepare
    const store = new MemoryBlobStore();
    const spotify = new FakeSpotify({ [id]: 120 });
    await store.put(rawPlaylistKey(date, id), 'the object of an older, longer version');
    await store.put(rawItemsPageKey(date, id, 150), 'a page of an older, longer version');
    // Act
    const output = await runGetPlaylist({ spotify, store })({ date, playlistId: id });
    // Assess
    expect(output).toEqual({ date, playlistId: id, snapshotId: 'snap-1', cursor: { offset: 0, total: 120 } });
    expect(store.text(rawPlaylistKey(date, id))).toBeUndefined();
    expect(await store.list(`raw/playlist_items/snapshot_date=${date}/`)).toEqual([]);
  });
});

describe('GetPlaylist rate limited', () => {
  /** Spotify answering every metadata request with a 429 asking to wait `seconds`. */
  const limitedSpotify = (seconds: number) => {
    const spotify = new FakeSpotify({ [id]: 120 });
    spotify.getPlaylist = async () => {
      throw new SpotifyRateLimitedError(`429 with Retry-After ${seconds}`, seconds);
    };
    return spotify;
  };

  it('hands the Retry-After to the machine as waitSeconds, counting the waits in a row, and lands nothing', async () => {
    // Prepare
    const store = new MemoryBlobStore();
    // Act
    const output = await runGetPlaylist({ spotify: limitedSpotify(7.2), store })({ date, playlistId: id, rateLimitWaits: 2 });
    // Assess
    expect(output).toEqual({ date, playlistId: id, waitSeconds: 8, rateLimitWaits: 3 });
    expect(await store.list('raw/')).toEqual([]);
  });

  it('fails as throttled once the waits in a row pass the bound', async () => {
    // Act
    const failure = await runGetPlaylist({ spotify: limitedSpotify(3), store: new MemoryBlobStore() })({ date, playlistId: id, rateLimitWaits: 5 }).catch(
      (error: unknown) => error,
    );
    // Assess
    expect(failure).toBeInstanceOf(SpotifyThrottledError);
    expect((failure as Error).message).toContain(`rate-limited the metadata of playlist ${id} 6 times in a row`);
  });
});

describe("the run's execution name", () => {
  it('is passed on by every answer of GetPlaylist and ExtractItems, so each invocation of the playlist counts its requests under the run', async () => {
    // Prepare
    const executionName = 'manual-2026-11-20';
    const limited = new FakeSpotify({ [id]: 120 });
    limited.getPlaylist = async () => {
      throw new SpotifyRateLimitedError('429 with Retry-After 3', 3);
    };
    const spotify = new FakeSpotify({ [id]: 120 });
    // Act
    const waiting = await runGetPlaylist({ spotify: limited, store: new MemoryBlobStore() })({ date, playlistId: id, executionName });
    const opened = await runGetPlaylist({ spotify, store: new MemoryBlobStore() })({ date, playlistId: id, executionName });
    const paged = await runExtractItems({ spotify, store: new MemoryBlobStore(), pageSize: 50, maxPages: 1 })({ date, playlistId: id, cursor: { offset: 0, total: 120 }, executionName });
    // Assess
    for (const output of [waiting, opened, paged]) expect(output).toMatchObject({ executionName });
  });
});

describe(steps.extractItems.stateName, () => {
  it('lands pages verbatim at their offsets until the page budget, then returns the cursor', async () => {
    // Prepare
    const store = new MemoryBlobStore();
    const spotify = new FakeSpotify({ [id]: 120 });
    const run = runExtractItems({ spotify, store, pageSize: 50, maxPages: 2 });
    // Act
    const output = await run({ date, playlistId: id, cursor: { offset: 0, total: 120 } });
    // Assess
    expect(output).toEqual({ date, playlistId: id, cursor: { offset: 100, total: 120 }, done: false, waitSeconds: 0, pagesStored: 2 });
    expect(await store.list('raw/playlist_items/')).toEqual([rawItemsPageKey(date, id, 0), rawItemsPageKey(date, id, 50)]);
    expect(store.text(rawItemsPageKey(date, id, 50))).toBe(Buffer.from((await spotify.getItemsPage(id, 50, 50)).body).toString());
  });

  it('reports done once the last page is landed', async () => {
    const store = new MemoryBlobStore();
    const output = await runExtractItems({ spotify: new FakeSpotify({ [id]: 120 }), store, pageSize: 50, maxPages: 40 })({
      date,
      playlistId: id,
      cursor: { offset: 100, total: 120 },
    });

    expect(output.done).toBe(true);
    expect(output.pagesStored).toBe(1);
  });

  it('turns a short Retry-After into whole seconds to wait, resuming at the page it hit', async () => {
    const store = new MemoryBlobStore();
    const spotify = new FakeSpotify({ [id]: 120 }, { rateLimitOnce: { offset: 50, seconds: 2.5 } });

    const output = await runExtractItems({ spotify, store, pageSize: 50, maxPages: 40 })({ date, playlistId: id, cursor: { offset: 0, total: 120 } });

    expect(output).toMatchObject({ cursor: { offset: 50, total: 120 }, done: false, waitSeconds: 3, pagesStored: 1 });
  });

  it('fails with PlaylistChangedError when the playlist no longer has the entry count it started with', async () => {
    const store = new MemoryBlobStore();
    const run = runExtractItems({ spotify: new FakeSpotify({ [id]: 130 }), store, pageSize: 50, maxPages: 40 });

    await expect(run({ date, playlistId: id, cursor: { offset: 0, total: 120 } })).rejects.toBeInstanceOf(PlaylistChangedError);
  });
});
