/**
 * Paging a playlist's items over the SpotifyApi port, without knowing how Spotify is reached.
 * A page whose `total` differs from what the read started with means the playlist changed
 * under us: its pages belong to two versions and must not be mixed, so the read starts over
 * from GetPlaylist. Item pages carry no snapshot_id, so an edit that keeps the entry count is
 * not seen while paging: after the last page the snapshot id is read again
 * ({@link confirmSnapshot}), one more request per playlist read, and a change restarts the read too.
 */
import * as t from 'io-ts';
import { PlaylistChangedError, SpotifyRateLimitedError, SpotifyThrottledError, UpstreamSchemaChangedError } from './errors';
import { parseJsonBytes } from './json-bytes';
import type { Fetched, SpotifyApi } from './ports';
import { totalOf, type PlaylistItemsPage, type PlaylistMetadata } from './spotify/codecs';

/**
 * Where the next page starts, the entry count the read began with, and the Retry-After waits in
 * a row since a page was last read (absent when the last request read one). A codec because it
 * travels between states in the step payloads (GetPlaylist's output, ExtractItems' input/output).
 */
export const ItemsCursor = t.intersection([
  t.type({ offset: t.number, total: t.number }),
  /** `pagesRead`: every page has landed; only the second read of the snapshot id is left (it was rate-limited). */
  t.partial({ rateLimitWaits: t.number, pagesRead: t.boolean }),
]);
export type ItemsCursor = t.TypeOf<typeof ItemsCursor>;

/**
 * Retry-After waits in a row a read may ask for before it stops as throttled: the machine's
 * MorePages → WaitRetryAfter loop has no bound of its own (each wait is at most
 * adapters/spotify/http.ts `defaultMaxStateMachineWaitSeconds`).
 */
export const maxConsecutiveRateLimitWaits = 5;

/**
 * The Retry-After rule of every read whose wait the machine takes in a Wait state (GetPlaylist's
 * metadata, ExtractItems' pages): counts this wait on top of `waitsSoFar`, the waits in a row
 * before it, and returns the new count; the wait past {@link maxConsecutiveRateLimitWaits} is
 * refused with SpotifyThrottledError instead, so the run stops as throttled.
 * @param what what was being read, for the message: `the metadata of playlist p1`
 * @example countRateLimitWait(error, 0, 'the metadata of playlist p1') // 1
 */
export const countRateLimitWait = (error: SpotifyRateLimitedError, waitsSoFar: number, what: string): number => {
  const rateLimitWaits = waitsSoFar + 1;
  if (rateLimitWaits > maxConsecutiveRateLimitWaits) {
    throw new SpotifyThrottledError(
      `Spotify rate-limited ${what} ${rateLimitWaits} times in a row, each time after its Retry-After was waited out (the last asked for ${error.retryAfterSeconds} s): the run stops as throttled. Run it again later, with fewer playlists or runs at once.`,
      error.retryAfterSeconds,
      false,
      { cause: error },
    );
  }
  return rateLimitWaits;
};

/** Options of {@link readItemsPages}. */
export interface ReadItemsOptions {
  /** Entries per request, 1–50. */
  readonly pageSize: number;
  /** Pages read before returning the next cursor (the step's time budget). */
  readonly maxPages: number;
  /**
   * Receives each page as fetched, in order, one at a time (e.g. to land it raw). The next page is
   * requested while it runs; the read returns, or throws, only after it has finished.
   */
  readonly onPage: (offset: number, page: Fetched<PlaylistItemsPage>) => Promise<void>;
}

/** What a call of {@link readItemsPages} achieved. */
export interface ItemsProgress {
  /** Where to continue; null when every entry has been read. */
  readonly next: ItemsCursor | null;
  /** Set when Spotify rate-limited the read: wait this long, then continue at `next` (which counts the wait). */
  readonly waitSeconds?: number;
}

/**
 * The cursor of a read from the start, from the playlist's metadata.
 * @example firstCursor({ ..., items: { total: 120 } }) // { offset: 0, total: 120 }
 */
export const firstCursor = (playlist: PlaylistMetadata): ItemsCursor => {
  const total = totalOf(playlist);
  if (total === undefined) {
    throw new UpstreamSchemaChangedError(
      `Spotify's metadata of playlist ${playlist.id} carries no entry count (items.total or tracks.total): the Web API changed; update core/spotify/codecs.ts.`,
    );
  }
  return { offset: 0, total };
};

/**
 * Reads pages from `cursor` until the playlist is done, `maxPages` pages were read, or Spotify
 * rate-limits the read. The first page is always requested, so an empty playlist is confirmed
 * by Spotify rather than assumed. Throws PlaylistChangedError when a page's `total` differs, and
 * SpotifyThrottledError when the read would wait more than {@link maxConsecutiveRateLimitWaits}
 * times in a row.
 */
export const readItemsPages = async (
  spotify: SpotifyApi,
  playlistId: string,
  cursor: ItemsCursor,
  options: ReadItemsOptions,
): Promise<ItemsProgress> => {
  let offset = cursor.offset;
  let rateLimitWaits = cursor.rateLimitWaits ?? 0;
  // The previous page's onPage runs while the next page is requested: landing a page then no
  // longer adds its write (on S3 a PUT's round trip) to the read. A failed landing ends the read
  // with its error before the next page is looked at, and the read never ends with one pending.
  let landing: Promise<void> = Promise.resolve();
  for (let pages = 0; pages < options.maxPages; pages += 1) {
    // Called inside a promise: a port that throws instead of rejecting must not leave the landing
    // in flight with no one to see its outcome.
    const asked = Promise.resolve().then(() => spotify.getItemsPage(playlistId, offset, options.pageSize));
    const [answer, landed] = await Promise.allSettled([asked, landing]);
    if (landed.status === 'rejected') throw landed.reason;
    if (answer.status === 'rejected') {
      const error: unknown = answer.reason;
      if (!(error instanceof SpotifyRateLimitedError)) throw error;
      rateLimitWaits = countRateLimitWait(error, rateLimitWaits, `the items of playlist ${playlistId} at offset ${offset}`);
      return { next: { offset, total: cursor.total, rateLimitWaits }, waitSeconds: error.retryAfterSeconds };
    }
    const page = answer.value;
    rateLimitWaits = 0;
    const { total, items } = page.value;
    if (total !== cursor.total) {
      throw new PlaylistChangedError(
        `Playlist ${playlistId} changed while it was being read: it had ${cursor.total} entries, the page at offset ${offset} says ${total}. Read it again from the start.`,
      );
    }
    if (page.value.offset !== offset) {
      throw new UpstreamSchemaChangedError(
        `Spotify answered the items of playlist ${playlistId} at offset ${offset} with a page at offset ${page.value.offset}: the paging contract changed; update core/extract.ts.`,
      );
    }
    if (items.length === 0 && offset < total) {
      throw new PlaylistChangedError(
        `Playlist ${playlistId} returned no entries at offset ${offset} although it reports ${total}: it changed while it was being read. Read it again from the start.`,
      );
    }
    landing = options.onPage(offset, page);
    offset += items.length;
    if (offset >= total) {
      await landing;
      return { next: null };
    }
  }
  await landing;
  return { next: { offset, total: cursor.total } };
};

/**
 * The second read of a playlist's snapshot id, after its last page landed: a different id means
 * the playlist was edited while it was paged (perhaps keeping its entry count, which the pages'
 * `total` cannot show), so the read starts over from GetPlaylist (PlaylistChangedError, retried
 * a bounded number of times by the machine). Rate-limited, it returns the wait to take first.
 * Confirmed, it returns the playlist object as Spotify sent it, to land as the date's
 * playlist.json now that the pages are complete (core/lake/keys.ts).
 */
export const confirmSnapshot = async (
  spotify: SpotifyApi,
  playlistId: string,
  snapshotId: string,
  cursor: ItemsCursor,
): Promise<{ readonly confirmed: Uint8Array } | { readonly waitSeconds: number; readonly rateLimitWaits: number }> => {
  let fetched: Fetched<PlaylistMetadata>;
  try {
    fetched = await spotify.getPlaylist(playlistId);
  } catch (error) {
    if (!(error instanceof SpotifyRateLimitedError)) throw error;
    const rateLimitWaits = countRateLimitWait(error, cursor.rateLimitWaits ?? 0, `the snapshot id of playlist ${playlistId}`);
    return { waitSeconds: error.retryAfterSeconds, rateLimitWaits };
  }
  const now = fetched.value.snapshot_id;
  if (now !== snapshotId) {
    throw new PlaylistChangedError(
      `Playlist ${playlistId} changed while it was being read: it was snapshot ${snapshotId} when paging began and is ${now} after the last page. Read it again from the start.`,
    );
  }
  return { confirmed: fetched.body };
};

/** The snapshot id a parsed raw playlist object holds, or undefined when it holds none (damaged, not an object). */
export const snapshotIdOf = (playlist: unknown): unknown =>
  typeof playlist === 'object' && playlist !== null && 'snapshot_id' in playlist ? playlist.snapshot_id : undefined;

/** The snapshot id in the bytes of a raw playlist object, or undefined when they hold none (not JSON, damaged). */
export const snapshotIdInRaw = (body: Uint8Array): unknown => {
  try {
    return snapshotIdOf(parseJsonBytes(body));
  } catch {
    return undefined;
  }
};
