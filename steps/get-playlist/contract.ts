/** GetPlaylist: lands a playlist's metadata as raw and opens the cursor its items are paged with. */
import * as t from 'io-ts';
import { IsoDate } from '../../core/dates';
import { ErrorName, spotifyCallErrors } from '../../core/errors';
import { ItemsCursor } from '../../core/extract';
import { playlistStepRequestsStem, RunOfPlaylist } from '../../core/requests';
import { SpotifyPlaylistId } from '../../core/run-input';
import { defineStep } from '../../core/step';

/**
 * The playlist to read, the snapshot date it is landed under, the Retry-After waits in a row so
 * far, `full`: read every page even if the playlist did not change since its last published
 * snapshot, and the run's execution name.
 */
export const GetPlaylistInput = t.exact(
  t.intersection([t.type({ date: IsoDate, playlistId: SpotifyPlaylistId }), t.partial({ rateLimitWaits: t.number, full: t.boolean }), RunOfPlaylist]),
);
export type GetPlaylistInput = t.TypeOf<typeof GetPlaylistInput>;

/** The playlist's version and the cursor at its first entry. */
export const PlaylistOpened = t.intersection([
  t.type({
    date: IsoDate,
    playlistId: SpotifyPlaylistId,
    snapshotId: t.string,
    cursor: ItemsCursor,
  }),
  RunOfPlaylist,
]);
export type PlaylistOpened = t.TypeOf<typeof PlaylistOpened>;

/**
 * The playlist's snapshot id is the one last published (on `carriedFrom`): its raw snapshot was
 * copied from that date and no page is read.
 */
export const PlaylistCarriedOver = t.intersection([
  t.type({
    date: IsoDate,
    playlistId: SpotifyPlaylistId,
    snapshotId: t.string,
    carriedFrom: IsoDate,
  }),
  RunOfPlaylist,
]);
export type PlaylistCarriedOver = t.TypeOf<typeof PlaylistCarriedOver>;

/** Spotify asked to wait before the metadata is read: the machine waits `waitSeconds`, then asks again. */
export const PlaylistRateLimited = t.intersection([
  t.type({
    date: IsoDate,
    playlistId: SpotifyPlaylistId,
    waitSeconds: t.number,
    rateLimitWaits: t.number,
  }),
  /** Passed on to the next GetPlaylist, which receives this output as its input. */
  t.partial({ full: t.boolean }),
  RunOfPlaylist,
]);
export type PlaylistRateLimited = t.TypeOf<typeof PlaylistRateLimited>;

/** The playlist opened, carried over unchanged, or the wait Spotify asked for before it can be. */
export const GetPlaylistOutput = t.union([PlaylistCarriedOver, PlaylistOpened, PlaylistRateLimited]);
export type GetPlaylistOutput = t.TypeOf<typeof GetPlaylistOutput>;

/** The GetPlaylist step. */
export const getPlaylist = defineStep({
  stateName: 'GetPlaylist',
  dir: 'get-playlist',
  input: GetPlaylistInput,
  output: GetPlaylistOutput,
  errors: [
    ...spotifyCallErrors,
    ErrorName.UpstreamSchemaChanged,
    ErrorName.StorageUnavailable,
    ErrorName.AwsUnavailable,
  ],
  // Short: GetPlaylist runs inside the EXPRESS playlist child, budgeted to five minutes (state-machine/worst-case.ts).
  timeoutSeconds: 15,
  // Lands the playlist in raw/ (or carries its last published snapshot over) and prunes the playlist's older pages of the date.
  resources: {
    // Reads earlier dates' manifests (the last published snapshot) and raw (to carry it over), writes this date's raw and its invocation's request count (raw/requests/).
    lake: { read: ['runs/', 'raw/'], write: ['raw/'], delete: ['raw/playlists/', 'raw/playlist_items/'] },
    spotify: { credentials: 'readWrite', tokenCache: 'readWrite' },
  },
  requestsStem: playlistStepRequestsStem,
});
