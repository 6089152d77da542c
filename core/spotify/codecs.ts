/**
 * io-ts codecs for the Spotify Web API as it is in November 2026 (docs/spotify-api.md).
 * Every field Spotify has removed or deprecated is optional; unknown keys are ignored (io-ts
 * `type` does not reject extra keys); old (`tracks`/`track`) and new (`items`/`item`) names
 * are both accepted and read with `??`.
 */
import * as t from 'io-ts';
import { nullable } from '../decode';

/** `POST /api/token` success body. */
export const TokenResponse = t.intersection([
  t.type({ access_token: t.string, token_type: t.string, expires_in: t.number }),
  t.partial({ refresh_token: t.string, scope: t.string }),
]);
export type TokenResponse = t.TypeOf<typeof TokenResponse>;

/** `POST /api/token` failure body (RFC 6749 §5.2): `invalid_client`, `invalid_grant`, … */
export const OAuthError = t.intersection([t.type({ error: t.string }), t.partial({ error_description: t.string })]);
export type OAuthError = t.TypeOf<typeof OAuthError>;

/** Web API failure body; `reason` is `QUOTA_EXCEEDED` on a quota 429. Never branch on `message`. */
export const WebApiError = t.type({
  error: t.intersection([t.type({ status: t.number }), t.partial({ message: t.string, reason: t.string })]),
});
export type WebApiError = t.TypeOf<typeof WebApiError>;

/** A simplified artist; `id` is null on local files. */
export const SimplifiedArtist = t.intersection([
  t.type({ name: t.string }),
  t.partial({ id: nullable(t.string), uri: nullable(t.string), type: t.string }),
]);
export type SimplifiedArtist = t.TypeOf<typeof SimplifiedArtist>;

/** A simplified album as embedded in a track; local files carry nulls for most fields. */
export const SimplifiedAlbum = t.intersection([
  t.type({ name: t.string }),
  t.partial({
    id: nullable(t.string),
    album_type: nullable(t.string),
    release_date: nullable(t.string),
    release_date_precision: nullable(t.string),
    total_tracks: nullable(t.number),
    artists: t.array(SimplifiedArtist),
    uri: nullable(t.string),
  }),
]);
export type SimplifiedAlbum = t.TypeOf<typeof SimplifiedAlbum>;

/** A track; `id` is null for local files; `popularity` and `external_ids` may be absent. */
export const Track = t.intersection([
  t.type({
    type: t.literal('track'),
    name: t.string,
    duration_ms: t.number,
    uri: t.string,
  }),
  t.partial({
    id: nullable(t.string),
    explicit: t.boolean,
    disc_number: t.number,
    track_number: t.number,
    is_local: t.boolean,
    popularity: nullable(t.number),
    external_ids: t.partial({ isrc: t.string }),
    album: SimplifiedAlbum,
    artists: t.array(SimplifiedArtist),
    linked_from: t.partial({ id: nullable(t.string) }),
  }),
]);
export type Track = t.TypeOf<typeof Track>;

/** A podcast episode in a playlist: `show` instead of `album`/`artists`. */
export const Episode = t.intersection([
  t.type({ type: t.literal('episode'), id: t.string, name: t.string, uri: t.string }),
  t.partial({ duration_ms: t.number, explicit: t.boolean, release_date: nullable(t.string) }),
]);
export type Episode = t.TypeOf<typeof Episode>;

/** What an entry holds: a track, an episode, or null when the item is no longer available. */
export const PlaylistItem = nullable(t.union([Track, Episode]));
export type PlaylistItem = t.TypeOf<typeof PlaylistItem>;

/** One playlist entry; read its content with {@link itemOf}. */
export const PlaylistEntry = t.partial({
  added_at: nullable(t.string),
  added_by: nullable(t.partial({ id: nullable(t.string) })),
  is_local: t.boolean,
  item: PlaylistItem,
  track: PlaylistItem,
});
export type PlaylistEntry = t.TypeOf<typeof PlaylistEntry>;

/** The entry's content under its 2026 name `item`, else its legacy name `track`; null when neither. */
export const itemOf = (entry: PlaylistEntry): Track | Episode | null => entry.item ?? entry.track ?? null;

/**
 * A page of playlist items. Entries stay `unknown` here and are decoded one by one with
 * {@link PlaylistEntry}, so one broken entry is a reject, not a lost page.
 */
export const PlaylistItemsPage = t.intersection([
  t.type({ items: t.array(t.unknown), offset: t.number, total: t.number }),
  t.partial({ href: t.string, limit: t.number, next: nullable(t.string), previous: nullable(t.string) }),
]);
export type PlaylistItemsPage = t.TypeOf<typeof PlaylistItemsPage>;

/** The items summary or page embedded in a playlist object (`items` in 2026, `tracks` before). */
const EmbeddedItems = t.intersection([
  t.type({ total: t.number }),
  t.partial({ items: t.array(t.unknown), offset: t.number, href: t.string, next: nullable(t.string) }),
]);

/** `GET /playlists/{id}`: metadata, possibly with the first page of items embedded. */
export const PlaylistMetadata = t.intersection([
  t.type({
    id: t.string,
    name: t.string,
    snapshot_id: t.string,
    owner: t.intersection([t.type({ id: t.string }), t.partial({ display_name: nullable(t.string) })]),
  }),
  t.partial({
    description: nullable(t.string),
    public: nullable(t.boolean),
    collaborative: t.boolean,
    items: EmbeddedItems,
    tracks: EmbeddedItems,
  }),
]);
export type PlaylistMetadata = t.TypeOf<typeof PlaylistMetadata>;

/** The playlist's entry count as Spotify reports it (`items.total`, else `tracks.total`), if given. */
export const totalOf = (playlist: PlaylistMetadata): number | undefined =>
  (playlist.items ?? playlist.tracks)?.total;
