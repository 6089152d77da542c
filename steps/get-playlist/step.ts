/**
 * GetPlaylist's logic: one request for the playlist object; carry the raw snapshot over when it
 * is the one last published, else land it and start a fresh read of its items.
 */
import { SpotifyRateLimitedError } from '../../core/errors';
import { countRateLimitWait, firstCursor, snapshotIdInRaw } from '../../core/extract';
import { copyRawSnapshot, lastPublishedSnapshot, type EarlierSnapshot } from '../../core/history';
import { rawItemsPrefix, rawPlaylistKey } from '../../core/lake/keys';
import type { BlobStore, SpotifyApi } from '../../core/ports';
import { runOfPlaylist } from '../../core/requests';
import type { GetPlaylistInput, GetPlaylistOutput } from './contract';

/** What GetPlaylist needs: Spotify and the lake. */
export interface GetPlaylistDeps {
  readonly spotify: SpotifyApi;
  readonly store: BlobStore;
}

/**
 * Opens a read of the playlist's pages: clears the date's earlier playlist.json and pages of the
 * playlist, which belong to an older version (a rerun, or a read that found it changed; a shorter
 * new version would otherwise leave stale pages past its end). ExtractItems lands the playlist
 * object once the pages are complete.
 */
export const runGetPlaylist =
  (deps: GetPlaylistDeps) =>
  async (input: GetPlaylistInput): Promise<GetPlaylistOutput> => {
    // The carry-over lookup reads only the lake, so it runs while Spotify answers: on S3 its GET
    // (and LIST, when the day before lacks the playlist) would otherwise add their round trips to
    // every playlist's read. Both are settled before anything else, so no read outlives the step.
    // Passed on, so that the playlist's next step counts its requests under the same run.
    const run = runOfPlaylist(input);
    const [answer, lookup] = await Promise.allSettled([
      deps.spotify.getPlaylist(input.playlistId),
      input.full === true ? Promise.resolve(undefined) : lastPublishedSnapshot(deps.store, input.date, input.playlistId),
    ]);
    let fetched;
    if (answer.status === 'fulfilled') {
      fetched = answer.value;
    } else {
      const error: unknown = answer.reason;
      if (!(error instanceof SpotifyRateLimitedError)) throw error;
      // A Wait state of the Retry-After's length follows (MetadataReady), so no Lambda sleeps.
      const rateLimitWaits = countRateLimitWait(error, input.rateLimitWaits ?? 0, `the metadata of playlist ${input.playlistId}`);
      // A Wait state's SecondsPath takes whole seconds; rounding up never waits less than asked.
      const full = input.full === undefined ? {} : { full: input.full };
      return { ...run, date: input.date, playlistId: input.playlistId, waitSeconds: Math.ceil(error.retryAfterSeconds), rateLimitWaits, ...full };
    }
    const snapshotId = fetched.value.snapshot_id;
    if (input.full !== true) {
      if (lookup.status === 'rejected') throw lookup.reason;
      const carried = await carryOver(deps.store, input.date, input.playlistId, snapshotId, lookup.value);
      if (carried !== undefined) return { ...run, date: input.date, playlistId: input.playlistId, snapshotId, carriedFrom: carried };
    }
    const cursor = firstCursor(fetched.value);
    // The date's playlist.json says its pages are complete (carry-over copies them, the next
    // date compares with them), so it goes first, then the pages, and comes back only when
    // ExtractItems has landed them all: a read that fails leaves no playlist.json over a part.
    await deps.store.delete([rawPlaylistKey(input.date, input.playlistId)]);
    await deps.store.delete(await deps.store.list(rawItemsPrefix(input.date, input.playlistId)));
    return { ...run, date: input.date, playlistId: input.playlistId, snapshotId, cursor };
  };

/**
 * Copies the playlist's raw snapshot from `last`, its last published date, when Spotify still
 * serves the same snapshot id, and returns that date. The id is checked in the copied
 * playlist.json too, not only in the manifest: raw that a later failed attempt rewrote must not
 * pass for the published one.
 */
const carryOver = async (
  store: BlobStore,
  date: string,
  playlistId: string,
  snapshotId: string,
  last: EarlierSnapshot | undefined,
): Promise<string | undefined> => {
  if (last?.snapshotId !== snapshotId) return undefined;
  const raw = await store.get(rawPlaylistKey(last.date, playlistId));
  if (raw === undefined || snapshotIdInRaw(raw) !== snapshotId) return undefined;
  // A rerun of that date, running now, may remove or replace its raw under the copy: then the
  // playlist is read from Spotify instead, rather than fail the date without a playlist.json.
  return (await copyRawSnapshot(store, playlistId, last.date, date, snapshotId)) ? last.date : undefined;
};
