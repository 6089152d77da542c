/** GetPlaylist's logic: land the playlist object as raw and start a fresh read of its items. */
import { SpotifyRateLimitedError } from '../../core/errors';
import { countRateLimitWait, firstCursor } from '../../core/extract';
import { rawItemsPrefix, rawPlaylistKey } from '../../core/lake/keys';
import type { BlobStore, SpotifyApi } from '../../core/ports';
import type { GetPlaylistInput, GetPlaylistOutput } from './contract';

/** What GetPlaylist needs: Spotify and the lake. */
export interface GetPlaylistDeps {
  readonly spotify: SpotifyApi;
  readonly store: BlobStore;
}

/**
 * Stores the playlist object exactly as Spotify sent it and clears the date's earlier pages of
 * the playlist: they belong to an older version (a rerun, or a read that found it changed), and
 * a shorter new version would otherwise leave stale pages past its end.
 */
export const runGetPlaylist =
  (deps: GetPlaylistDeps) =>
  async (input: GetPlaylistInput): Promise<GetPlaylistOutput> => {
    let fetched;
    try {
      fetched = await deps.spotify.getPlaylist(input.playlistId);
    } catch (error) {
      if (!(error instanceof SpotifyRateLimitedError)) throw error;
      // A Wait state of the Retry-After's length follows (MetadataReady), so no Lambda sleeps.
      const rateLimitWaits = countRateLimitWait(error, input.rateLimitWaits ?? 0, `the metadata of playlist ${input.playlistId}`);
      // A Wait state's SecondsPath takes whole seconds; rounding up never waits less than asked.
      return { date: input.date, playlistId: input.playlistId, waitSeconds: Math.ceil(error.retryAfterSeconds), rateLimitWaits };
    }
    const cursor = firstCursor(fetched.value);
    await deps.store.delete(await deps.store.list(rawItemsPrefix(input.date, input.playlistId)));
    await deps.store.put(rawPlaylistKey(input.date, input.playlistId), fetched.body);
    return { date: input.date, playlistId: input.playlistId, snapshotId: fetched.value.snapshot_id, cursor };
  };
