/** ExtractItems: lands pages of a playlist's items as raw until the playlist is done or the budget ends. */
import * as t from 'io-ts';
import { IsoDate } from '../../core/dates';
import { ErrorName, spotifyCallErrors } from '../../core/errors';
import { ItemsCursor } from '../../core/extract';
import { playlistStepRequestsStem, RunOfPlaylist } from '../../core/requests';
import { SpotifyPlaylistId } from '../../core/run-input';
import { defineStep } from '../../core/step';

/**
 * Pages one invocation reads at most: 25 pages of 50 take 5–10 s, well inside the Task's 30 s
 * timeout. Kept short because the page loop runs in the EXPRESS playlist child, which ends at five
 * minutes: the largest playlist (200 pages) takes 8 invocations, and state-machine/worst-case.ts
 * budgets them.
 */
export const maxPagesPerInvocation = 25;

/**
 * The playlist, where its next page starts, the snapshot id its read began with (absent in
 * payloads of definitions before the second snapshot read: then the read is not confirmed), and the run's execution name.
 */
export const ExtractItemsInput = t.exact(
  t.intersection([t.type({ date: IsoDate, playlistId: SpotifyPlaylistId, cursor: ItemsCursor }), t.partial({ snapshotId: t.string }), RunOfPlaylist]),
);
export type ExtractItemsInput = t.TypeOf<typeof ExtractItemsInput>;

/**
 * The cursor to resume at. `done` ends the loop; `waitSeconds` above 0 is a short Retry-After
 * the machine waits out in a Wait state before resuming at `cursor`.
 */
export const ExtractItemsOutput = t.intersection([
  t.type({
    date: IsoDate,
    playlistId: SpotifyPlaylistId,
    cursor: ItemsCursor,
    done: t.boolean,
    waitSeconds: t.number,
    pagesStored: t.number,
  }),
  t.partial({ snapshotId: t.string }),
  RunOfPlaylist,
]);
export type ExtractItemsOutput = t.TypeOf<typeof ExtractItemsOutput>;

/** The ExtractItems step. */
export const extractItems = defineStep({
  stateName: 'ExtractItems',
  dir: 'extract-items',
  input: ExtractItemsInput,
  output: ExtractItemsOutput,
  errors: [
    ...spotifyCallErrors,
    ErrorName.PlaylistChanged,
    ErrorName.UpstreamSchemaChanged,
    ErrorName.StorageUnavailable,
    ErrorName.AwsUnavailable,
  ],
  timeoutSeconds: 30,
  // Lands pages in raw/, then the playlist object as playlist.json once they are complete
  // (core/lake/keys.ts), and stores the requests each invocation sent as its own count
  // (raw/requests/); a 401 renews the cached token (and may rotate the refresh token).
  resources: { lake: { write: ['raw/playlists/', 'raw/playlist_items/', 'raw/requests/'] }, spotify: { credentials: 'readWrite', tokenCache: 'readWrite' } },
  requestsStem: playlistStepRequestsStem,
});
