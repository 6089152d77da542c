import { describe, expect, it } from 'vitest';
import { tryDecode } from '../../../core/decode';
import {
  itemOf,
  PlaylistEntry,
  PlaylistItemsPage,
  PlaylistMetadata,
  SimplifiedAlbum,
  SimplifiedArtist,
  totalOf,
  Track,
  WebApiError,
} from '../../../core/spotify/codecs';
import {
  entriesOf,
  fixture,
  fixturePages,
  realPageFiles,
  realPayload,
  realPlaylistFiles,
  realPlaylists,
} from './spotify-payloads';

const problemsOf = (result: ReturnType<typeof tryDecode>) => (result.ok ? [] : result.problems);

describe('Spotify codecs on real payloads', () => {
  it.each(realPlaylistFiles)('decode the playlist object %s and every entry of its embedded page', (file) => {
    // Prepare
    const body = realPayload(file);

    // Act
    const playlist = tryDecode(PlaylistMetadata, body);
    const entries = entriesOf(body).map((entry: unknown) => tryDecode(PlaylistEntry, entry));

    // Assess
    expect(problemsOf(playlist)).toEqual([]);
    expect(playlist.ok && totalOf(playlist.value)).toBe(entriesOf(body).length);
    expect(entries.flatMap(problemsOf)).toEqual([]);
  });

  it.each([...realPageFiles, ...Object.values(fixturePages).filter((f) => f !== fixturePages.undecodablePage).map((f) => f.file)])(
    'decode the playlist-items page %s and every entry on it',
    (file) => {
      // Prepare
      const body = file.endsWith('.page.json') ? fixture(file) : realPayload(file);

      // Act
      const page = tryDecode(PlaylistItemsPage, body);
      const entries = body.items.map((entry: unknown) => tryDecode(PlaylistEntry, entry));

      // Assess
      expect(problemsOf(page)).toEqual([]);
      const broken = file === fixturePages.undecodableEntry.file ? 1 : 0;
      expect(entries.filter((entry: { ok: boolean }) => !entry.ok)).toHaveLength(broken);
    },
  );

  it.each([
    ['spotdl__GET_track_1t2qKa8K72IBC8yQlhD9bU.json', Track],
    ['spotdl__GET_album_0cgpcZCPvGGXOCpXVqPrvJ.json', SimplifiedAlbum],
    ['joostlek__GET_album_2026.json', SimplifiedAlbum],
    ['spotdl__GET_artist_4cZvsAtZm91PBC0tXlDrP0.json', SimplifiedArtist],
    ['joostlek__GET_artist_0TnOYISbd1XYRBk9myaseg_2026.json', SimplifiedArtist],
    ['joostlek__error_404_playlist_not_found.json', WebApiError],
    ['joostlek__error_429_rate_limit.json', WebApiError],
  ] as const)('decode the single object %s', (file, codec) => {
    // Prepare
    const body = realPayload(file);

    // Act
    const result = tryDecode(codec, body);

    // Assess
    expect(problemsOf(result)).toEqual([]);
  });

  it('read an entry of the dual shape under its 2026 name item first', () => {
    // Prepare
    const entry = entriesOf(realPayload(realPlaylists.dual2026.pageFile))[0];
    const decoded = tryDecode(PlaylistEntry, { ...entry, track: { ...entry.track, name: 'legacy copy' } });

    // Act
    const item = decoded.ok ? itemOf(decoded.value) : undefined;

    // Assess
    expect(item?.name).toBe('All I Need');
  });
});

describe('decode failures', () => {
  const page = () => realPayload(realPlaylists.dutchTop40.pageFile);

  it('fails with the JSON path and the type found, one line per problem', () => {
    // Prepare
    const body = { ...page(), total: '40', offset: null };

    // Act
    const result = tryDecode(PlaylistItemsPage, body);

    // Assess
    expect(problemsOf(result)).toEqual(['$.offset: expected number, got null', '$.total: expected number, got string']);
  });

  it('fails a nested field of a track by its full path, without the union branches it did not take', () => {
    // Prepare
    const entry = page().items[2];
    entry.track.album.name = 7;
    entry.track.artists[1].name = null;

    // Act
    const result = tryDecode(PlaylistEntry, entry);

    // Assess
    expect(problemsOf(result)).toEqual([
      '$.track.album.name: expected string, got number',
      '$.track.artists[1].name: expected string, got null',
    ]);
  });

  it('fails a value of the wrong kind by naming what was expected in a few words', () => {
    // Prepare
    const entry = { ...page().items[0], added_at: 1_660_000_000, track: 7 };

    // Act
    const result = tryDecode(PlaylistEntry, entry);

    // Assess
    expect(problemsOf(result)).toEqual([
      '$.added_at: expected string | null, got number',
      '$.track: expected object | null, got number',
    ]);
  });

  it('fails an episode without its id by the id path', () => {
    // Prepare
    const entry = realPayload(realPlaylists.episodesAndTracks.pageFile).items[0];
    delete entry.track.id;

    // Act
    const result = tryDecode(PlaylistEntry, entry);

    // Assess
    expect(problemsOf(result)).toEqual(['$.track.id: expected string, got undefined']);
  });

  it('fails a playlist object without an owner', () => {
    // Prepare
    const body = realPayload(realPlaylists.starredWithLocalFile.playlistFile);
    delete body.owner;

    // Act
    const result = tryDecode(PlaylistMetadata, body);

    // Assess
    expect(problemsOf(result)).toEqual(['$.owner: expected object, got undefined']);
  });
});
