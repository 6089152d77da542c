import { describe, expect, it } from 'vitest';
import { PlaylistChangedError, SpotifyRateLimitedError, SpotifyThrottledError, UpstreamSchemaChangedError } from '../../../core/errors';
import { firstCursor, maxConsecutiveRateLimitWaits, readItemsPages, type ItemsCursor } from '../../../core/extract';
import type { Fetched, SpotifyApi } from '../../../core/ports';
import type { PlaylistItemsPage, PlaylistMetadata } from '../../../core/spotify/codecs';
import { emulatorWith } from '../../support/emulator';
import { clientFor, playlistNamed } from './support';

/** A playlist of 120 entries whose page at `offset` is answered 429 the first `times` times it is asked for. */
class RateLimitedAt implements SpotifyApi {
  private refused = 0;
  public constructor(
    private readonly offset: number,
    private readonly times: number,
    private readonly retryAfterSeconds: number,
  ) {}

  public async getPlaylist(): Promise<Fetched<PlaylistMetadata>> {
    throw new Error('not asked for in these tests');
  }

  public async getItemsPage(_playlistId: string, offset: number, limit: number): Promise<Fetched<PlaylistItemsPage>> {
    if (offset === this.offset && this.refused < this.times) {
      this.refused += 1;
      throw new SpotifyRateLimitedError('429', this.retryAfterSeconds);
    }
    const value = { items: Array.from({ length: Math.max(0, Math.min(limit, 120 - offset)) }, (_, i) => ({ position: offset + i })), offset, total: 120, limit };
    return { body: new TextEncoder().encode(JSON.stringify(value)), value };
  }
}

describe('readItemsPages', () => {
  it('reads at most maxPages pages and returns the cursor to continue from, until the playlist is done', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const { api } = clientFor(emulator);
    const id = playlistNamed(emulator, 'Everything, ever');
    const offsets: number[] = [];
    const onPage = async (offset: number) => void offsets.push(offset);
    // Act
    const first = await readItemsPages(api, id, { offset: 0, total: 1000 }, { pageSize: 50, maxPages: 3, onPage });
    let cursor = first.next;
    while (cursor) cursor = (await readItemsPages(api, id, cursor, { pageSize: 50, maxPages: 7, onPage })).next;
    // Assess
    expect(first).toEqual({ next: { offset: 150, total: 1000 } });
    expect(offsets).toEqual(Array.from({ length: 20 }, (_, i) => i * 50));
  });

  it('reads an empty playlist as one empty page, confirmed by Spotify', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const { api } = clientFor(emulator);
    const pages: number[] = [];
    // Act
    const progress = await readItemsPages(api, playlistNamed(emulator, 'Empty for now'), { offset: 0, total: 0 }, {
      pageSize: 50,
      maxPages: 5,
      onPage: async (_offset, page) => void pages.push(page.value.items.length),
    });
    // Assess
    expect(progress).toEqual({ next: null });
    expect(pages).toEqual([0]);
  });

  it('stops with the wait and the cursor of the page it could not read when Spotify rate-limits', async () => {
    // Prepare: a rolling window of three requests per 10 s: a wait too long to sit out in-process that a Wait state takes
    const emulator = await emulatorWith({ rateLimit: { maxRequests: 3, windowSeconds: 10 } });
    const { api } = clientFor(emulator, { maxInProcessWaitSeconds: 5 });
    const offsets: number[] = [];
    // Act
    const progress = await readItemsPages(api, playlistNamed(emulator, 'Everything, ever'), { offset: 0, total: 1000 }, {
      pageSize: 50,
      maxPages: 10,
      onPage: async (offset) => void offsets.push(offset),
    });
    // Assess
    expect(offsets).toEqual([0, 50, 100]);
    expect(progress.next).toEqual({ offset: 150, total: 1000, rateLimitWaits: 1 });
    expect(progress.waitSeconds).toBeGreaterThan(5);
    expect(progress.waitSeconds).toBeLessThanOrEqual(10);
  });

  it('requests the next page while the previous one lands, and lands every page in order before it returns', async () => {
    // Prepare: the page at 0 lands only once the page at 50 has been asked for
    const spotify = new RateLimitedAt(-1, 0, 0);
    const asked: number[] = [];
    let askedFor50: () => void = () => undefined;
    const fiftyAsked = new Promise<void>((resolve) => {
      askedFor50 = resolve;
    });
    const getItemsPage = spotify.getItemsPage.bind(spotify);
    spotify.getItemsPage = async (playlistId, offset, limit) => {
      asked.push(offset);
      if (offset === 50) askedFor50();
      return getItemsPage(playlistId, offset, limit);
    };
    const landed: number[] = [];
    const onPage = async (offset: number) => {
      if (offset === 0) await fiftyAsked;
      landed.push(offset);
    };
    // Act
    const progress = await readItemsPages(spotify, 'p1', { offset: 0, total: 120 }, { pageSize: 50, maxPages: 5, onPage });
    // Assess
    expect(progress).toEqual({ next: null });
    expect(asked).toEqual([0, 50, 100]);
    expect(landed).toEqual([0, 50, 100]);
  });

  it('ends with the landing\'s error, not a cursor, when a page cannot be landed', async () => {
    // Prepare
    const spotify = new RateLimitedAt(-1, 0, 0);
    const onPage = async (offset: number) => {
      if (offset === 50) throw new Error('disk full');
    };
    // Act
    const read = readItemsPages(spotify, 'p1', { offset: 0, total: 120 }, { pageSize: 50, maxPages: 5, onPage });
    // Assess
    await expect(read).rejects.toThrow('disk full');
  });

  it("still waits for a landing in flight when the next request throws instead of rejecting, and ends with the landing's error", async () => {
    // Prepare: a port that throws synchronously at offset 50 while page 0 is still landing
    const spotify = new RateLimitedAt(-1, 0, 0);
    const getItemsPage = spotify.getItemsPage.bind(spotify);
    spotify.getItemsPage = (playlistId, offset, limit) => {
      if (offset === 50) throw new Error('socket refused');
      return getItemsPage(playlistId, offset, limit);
    };
    const onPage = async (offset: number) => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (offset === 0) throw new Error('disk full');
    };
    // Act
    const read = readItemsPages(spotify, 'p1', { offset: 0, total: 120 }, { pageSize: 50, maxPages: 5, onPage });
    // Assess: the landing's failure is the read's, not an unhandled rejection after it ended
    await expect(read).rejects.toThrow('disk full');
  });

  it('counts the Retry-After waits in a row in the cursor and forgets them once a page is read', async () => {
    // Prepare: every request for offset 50 is refused once, whatever came before
    const spotify = new RateLimitedAt(50, 1, 3);
    const read = async (cursor: ItemsCursor) => readItemsPages(spotify, 'p1', cursor, { pageSize: 50, maxPages: 5, onPage: async () => undefined });
    // Act
    const waited = await read({ offset: 0, total: 120 });
    const resumed = await read(waited.next ?? { offset: -1, total: 0 });
    // Assess
    expect(waited).toEqual({ next: { offset: 50, total: 120, rateLimitWaits: 1 }, waitSeconds: 3 });
    expect(resumed).toEqual({ next: null });
  });

  it('fails with SpotifyThrottledError when the read is rate-limited more times in a row than a run waits', async () => {
    // Prepare: Spotify refuses the page at offset 0 for good
    const spotify = new RateLimitedAt(0, Number.POSITIVE_INFINITY, 30);
    let cursor: ItemsCursor = { offset: 0, total: 120 };
    const waits: number[] = [];
    // Act: the machine's MorePages → WaitRetryAfter loop
    const error = await (async () => {
      for (;;) {
        const progress = await readItemsPages(spotify, 'p1', cursor, { pageSize: 50, maxPages: 5, onPage: async () => undefined });
        waits.push(progress.waitSeconds ?? 0);
        cursor = progress.next ?? cursor;
      }
    })().catch((caught: unknown) => caught);
    // Assess
    expect(waits).toEqual(Array.from({ length: maxConsecutiveRateLimitWaits }, () => 30));
    expect(error).toBeInstanceOf(SpotifyThrottledError);
    expect(error).toMatchObject({ retryAfterSeconds: 30, quotaExceeded: false });
    expect((error as Error).message).toContain(`${maxConsecutiveRateLimitWaits + 1} times in a row`);
  });

  it('fails with PlaylistChangedError when a page reports another total than the read started with', async () => {
    // Prepare
    const emulator = await emulatorWith();
    const { api } = clientFor(emulator);
    const id = playlistNamed(emulator, 'Fifty-one');
    // Act
    const error = await readItemsPages(api, id, { offset: 0, total: 50 }, { pageSize: 50, maxPages: 5, onPage: async () => undefined }).catch(
      (caught: unknown) => caught,
    );
    // Assess
    expect(error).toBeInstanceOf(PlaylistChangedError);
    expect((error as Error).message).toContain(`Playlist ${id} changed`);
    expect((error as Error).message).toContain('had 50 entries, the page at offset 0 says 51');
  });
});

describe('firstCursor', () => {
  it('fails with UpstreamSchemaChangedError when the metadata carries no entry count', () => {
    // Prepare
    const playlist = { id: 'p1', name: 'x', snapshot_id: 's', owner: { id: 'me' } };
    // Act
    const act = () => firstCursor(playlist);
    // Assess
    expect(act).toThrow(UpstreamSchemaChangedError);
    expect(act).toThrow('playlist p1');
  });
});
