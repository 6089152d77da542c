/**
 * A hand-written fast path for {@link PlaylistEntry}: io-ts's generic `is` reads every property by
 * a computed key, which made checking an entry cost several times what normalising it does.
 * This guard reads fixed property names instead. It may reject more than the codec (then the
 * codec decides) but must never accept what the codec rejects; test/unit/core/entry-guard.test.ts
 * mutates every field of real entries to hold it to that.
 */
import type { PlaylistEntry } from './codecs';

/* eslint-disable @typescript-eslint/no-explicit-any -- the guard reads unknown JSON by fixed property names */
type Json = any;

/** Only plain objects as JSON.parse builds them; io-ts accepts more, which is the safe direction. */
const isObject = (u: Json): boolean => {
  if (typeof u !== 'object' || u === null) return false;
  const proto: unknown = Object.getPrototypeOf(u);
  return proto === Object.prototype || proto === null;
};
const optString = (u: Json) => u === undefined || typeof u === 'string';
const optNullableString = (u: Json) => u === undefined || u === null || typeof u === 'string';
const optNumber = (u: Json) => u === undefined || typeof u === 'number';
const optNullableNumber = (u: Json) => u === undefined || u === null || typeof u === 'number';
const optBoolean = (u: Json) => u === undefined || typeof u === 'boolean';

const isArtist = (a: Json) => isObject(a) && typeof a.name === 'string' && optNullableString(a.id) && optNullableString(a.uri) && optString(a.type);

const optArtists = (u: Json): boolean => {
  if (u === undefined) return true;
  if (!Array.isArray(u)) return false;
  for (const artist of u) if (!isArtist(artist)) return false;
  return true;
};

const optAlbum = (a: Json) =>
  a === undefined ||
  (isObject(a) &&
    typeof a.name === 'string' &&
    optNullableString(a.id) &&
    optNullableString(a.album_type) &&
    optNullableString(a.release_date) &&
    optNullableString(a.release_date_precision) &&
    optNullableNumber(a.total_tracks) &&
    optArtists(a.artists) &&
    optNullableString(a.uri));

const isTrack = (x: Json) =>
  x.type === 'track' &&
  typeof x.name === 'string' &&
  typeof x.duration_ms === 'number' &&
  typeof x.uri === 'string' &&
  optNullableString(x.id) &&
  optBoolean(x.explicit) &&
  optNumber(x.disc_number) &&
  optNumber(x.track_number) &&
  optBoolean(x.is_local) &&
  optNullableNumber(x.popularity) &&
  (x.external_ids === undefined || (isObject(x.external_ids) && optString(x.external_ids.isrc))) &&
  optAlbum(x.album) &&
  optArtists(x.artists) &&
  (x.linked_from === undefined || (isObject(x.linked_from) && optNullableString(x.linked_from.id)));

const isEpisode = (x: Json) =>
  x.type === 'episode' &&
  typeof x.id === 'string' &&
  typeof x.name === 'string' &&
  typeof x.uri === 'string' &&
  optNumber(x.duration_ms) &&
  optBoolean(x.explicit) &&
  optNullableString(x.release_date);

const optItem = (x: Json) => x === undefined || x === null || (isObject(x) && (isTrack(x) || isEpisode(x)));

/**
 * True only for values {@link PlaylistEntry} accepts; false means "ask the codec".
 * @example isPlaylistEntryFast({ added_at: '2024-01-01T00:00:00Z', track: null }) // true
 */
export const isPlaylistEntryFast = (e: unknown): e is PlaylistEntry => {
  const entry = e as Json;
  return (
    isObject(entry) &&
    optNullableString(entry.added_at) &&
    (entry.added_by === undefined || entry.added_by === null || (isObject(entry.added_by) && optNullableString(entry.added_by.id))) &&
    optBoolean(entry.is_local) &&
    optItem(entry.item) &&
    optItem(entry.track)
  );
};
