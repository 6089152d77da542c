/**
 * The Web API endpoints extraction reads, each as one typed description: where it is, what its
 * body decodes to, and what a refusal means for it. HttpSpotifyApi sends any of them the same way
 * (token, one renewal on a 401, retries, named errors), so a new endpoint is a codec in
 * core/spotify/codecs.ts, a description here, a method on the SpotifyApi port and a route in the
 * emulator.
 */
import type * as t from 'io-ts';
import { PlaylistItemsPage, PlaylistMetadata } from '../../core/spotify/codecs';

/** One GET request of the Web API and how to read its answers. */
export interface Endpoint<C extends t.Mixed> {
  /** Below the API's base URL, ids already encoded: `/playlists/abc`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** What a 200 body decodes to. */
  readonly codec: C;
  /** What the request was doing, for messages: `reading playlist abc`. */
  readonly doing: string;
  /** What a 403 means for this endpoint and what to do about it. */
  readonly forbidden: string;
  /** What a 404 means for this endpoint and what to do about it. */
  readonly notFound: string;
}

/** Builds an endpoint, checking its codec's type against the port's. */
const endpoint = <C extends t.Mixed>(description: Endpoint<C>): Endpoint<C> => description;

/** The playlist fields extraction keeps: metadata and the entry count, not the embedded page. */
export const playlistFields =
  'id,name,description,public,collaborative,snapshot_id,owner(id,display_name),items(total),tracks(total)';

/** Spotify's maximum `limit` for playlist items. */
export const maxPageSize = 50;

const playlistForbidden = (playlistId: string): string =>
  `Spotify refused playlist ${playlistId}: the consenting account neither owns nor collaborates on it, or the endpoint is not open to this app (a client-credentials token reads no playlist contents). Remove it from the playlist list, or have its owner run \`spotify-etl auth login\`.`;
const playlistNotFound = (playlistId: string): string =>
  `Spotify has no playlist ${playlistId}: it was deleted, or it is Spotify-owned (editorial or algorithmic), which apps can no longer read. Remove it from the playlist list.`;

/** A playlist's metadata. */
export const playlistEndpoint = (playlistId: string) =>
  endpoint({
    path: `/playlists/${encodeURIComponent(playlistId)}`,
    query: { fields: playlistFields, additional_types: 'track,episode' },
    codec: PlaylistMetadata,
    doing: `reading playlist ${playlistId}`,
    forbidden: playlistForbidden(playlistId),
    notFound: playlistNotFound(playlistId),
  });

/** One page of a playlist's items. */
export const playlistItemsEndpoint = (playlistId: string, offset: number, limit: number) => {
  if (!Number.isInteger(limit) || limit < 1 || limit > maxPageSize) {
    throw new RangeError(`A playlist items page holds 1 to ${maxPageSize} entries (Spotify's limit); ${limit} was asked for.`);
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RangeError(`A playlist items offset is a whole number ≥ 0; ${offset} was asked for.`);
  }
  return endpoint({
    path: `/playlists/${encodeURIComponent(playlistId)}/items`,
    query: { offset: String(offset), limit: String(limit), additional_types: 'track,episode' },
    codec: PlaylistItemsPage,
    doing: `reading the items of playlist ${playlistId} at offset ${offset}`,
    forbidden: playlistForbidden(playlistId),
    notFound: playlistNotFound(playlistId),
  });
};
