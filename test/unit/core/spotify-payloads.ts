/**
 * The Spotify payloads the core tests run on: real response bodies vendored in
 * test/fixtures/spotify/real/ (see its MANIFEST.md) and the hand-made fixtures of test/fixtures/spotify/.
 */
import { readFileSync } from 'node:fs';
import type { RawPlaylistSnapshot } from '../../../core/normalise';

const realPayloadsDir = new URL('../../fixtures/spotify/real/', import.meta.url);
const fixturesDir = new URL('../../fixtures/spotify/', import.meta.url);

/** A JSON value whose shape the test knows; reads of it are checked by the assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests walk raw Spotify JSON by name
export type Json = any;

/** A real Spotify response body, parsed. */
export const realPayload = (file: string): Json => JSON.parse(readFileSync(new URL(file, realPayloadsDir), 'utf8'));

/** A hand-made fixture page, parsed. */
export const fixture = (file: string): Json => JSON.parse(readFileSync(new URL(file, fixturesDir), 'utf8'));

/** The real playlist objects (with their first page embedded) and playlist-item pages, by playlist. */
export const realPlaylists = {
  gorillaz: {
    id: '37i9dQZF1DZ06evO25rXbO',
    playlistFile: 'spotdl__playlist_37i9dQZF1DZ06evO25rXbO_ThisIsGorillaz__GET_playlist.json',
    pageFile: 'spotdl__playlist_37i9dQZF1DZ06evO25rXbO_ThisIsGorillaz__GET_tracks_offset0.json',
  },
  dual2026: {
    id: '1Cp6VQCKf2VL4sP09jN9oX',
    playlistFile: 'joostlek__playlist_1Cp6VQCKf2VL4sP09jN9oX__GET_playlist_2026_dual_shape.json',
    pageFile: 'joostlek__playlist_items__GET_items_2026_dual_shape.json',
  },
  starredWithLocalFile: {
    id: '3toMXYM91T55pKzuysH5Ph',
    playlistFile: 'joostlek__playlist_Starred__GET_playlist_with_local_file.json',
    pageFile: undefined,
  },
  dutchTop40: {
    id: '5lH9NjOeJvctAO92ZrKQNB',
    playlistFile: undefined,
    pageFile: 'zmb3__playlist_5lH9NjOeJvctAO92ZrKQNB_DutchTop40__GET_tracks.json',
  },
  episodesAndTracks: {
    id: '23Ay9WfURne0LvtlCvYTkj',
    playlistFile: undefined,
    pageFile: 'zmb3__playlist_23Ay9WfURne0LvtlCvYTkj__GET_tracks_episodes_and_tracks.json',
  },
} as const;

/** Every real playlist object file and every real playlist-item page file. */
export const realPlaylistFiles = Object.values(realPlaylists).flatMap((p) => (p.playlistFile ? [p.playlistFile] : []));
export const realPageFiles = Object.values(realPlaylists).flatMap((p) => (p.pageFile ? [p.pageFile] : []));

/** The hand-made fixture pages, by the playlist id in their href. */
export const fixturePages = {
  nullEntry: { id: '0nullEntryPlaylist0001', file: 'null-entry.page.json' },
  itemsOnly2026: { id: '0itemOnlyPlaylist00002', file: 'items-only-2026.page.json' },
  takenDown: { id: '0takenDownPlaylist0003', file: 'taken-down-track.page.json' },
  duplicate: { id: '0duplicatePlaylist0004', file: 'duplicate-track.page.json' },
  undecodablePage: { id: '0badPagePlaylist000005', file: 'undecodable.page.json' },
  undecodableEntry: { id: '0badEntryPlaylist00006', file: 'undecodable-entry.page.json' },
} as const;

/** Playlist metadata as `GET /playlists/{id}?fields=…` returns it, for playlists only known from pages. */
export const minimalPlaylist = (id: string): Json => ({
  id,
  name: `Playlist ${id}`,
  snapshot_id: 'AAAAAfixture',
  owner: { id: 'fixture_owner', display_name: 'Fixture Owner' },
  public: false,
  collaborative: false,
});

/** A snapshot of a playlist known only from its pages. */
export const pagesSnapshot = (id: string, pages: readonly Json[]): RawPlaylistSnapshot => ({
  playlistId: id,
  playlist: minimalPlaylist(id),
  pages,
});

/** The entries of a playlist object's embedded page or of a page, whatever the shape's names. */
export const entriesOf = (body: Json): Json[] =>
  Array.isArray(body.items) ? body.items : (body.items ?? body.tracks).items;

/** An entry's content under its 2026 or its legacy name. */
export const contentOf = (entry: Json): Json => entry.item ?? entry.track;
