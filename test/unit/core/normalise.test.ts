import { describe, expect, it } from 'vitest';
import { createNormaliser, normalise, releaseYearOf, type Normalised } from '../../../core/normalise';
import {
  contentOf,
  entriesOf,
  fixture,
  fixturePages,
  pagesSnapshot,
  realPayload,
  realPlaylists,
  type Json,
} from './spotify-payloads';

const { gorillaz, dual2026, starredWithLocalFile, dutchTop40, episodesAndTracks } = realPlaylists;

const playlistSnapshot = (p: { id: string; playlistFile: string }) => ({
  playlistId: p.id,
  playlist: realPayload(p.playlistFile),
  pages: [],
});
const pageSnapshot = (p: { id: string; pageFile: string }) => pagesSnapshot(p.id, [realPayload(p.pageFile)]);
const fixtureSnapshot = (f: { id: string; file: string }) => pagesSnapshot(f.id, [fixture(f.file)]);

/** A page of `entries` as Spotify would serve it at `offset`. */
const pageAt = (playlistId: string, offset: number, entries: readonly Json[], total: number): Json => ({
  href: `https://api.spotify.com/v1/playlists/${playlistId}/items?offset=${offset}&limit=${entries.length}`,
  items: entries,
  limit: entries.length,
  next: null,
  offset,
  previous: null,
  total,
});

const positionsOf = (result: Normalised, playlistId: string) =>
  result.tables.playlist_items.filter((row) => row.playlist_id === playlistId).map((row) => row.position);

describe('normalise on real Spotify payloads', () => {
  it.each(
    Object.values(realPlaylists).flatMap((p) => [
      ...(p.playlistFile ? [{ file: p.playlistFile, snapshot: () => playlistSnapshot({ ...p, playlistFile: p.playlistFile }) }] : []),
      ...(p.pageFile ? [{ file: p.pageFile, snapshot: () => pageSnapshot({ ...p, pageFile: p.pageFile }) }] : []),
    ]),
  )('gives one playlist_items row per entry, positions 0..n-1, of $file', ({ file, snapshot }) => {
    // Prepare
    const entries = entriesOf(realPayload(file)).length;
    const input = snapshot();

    // Act
    const result = normalise([input]);

    // Assess
    expect(result.rejects).toEqual([]);
    expect(positionsOf(result, input.playlistId)).toEqual([...Array(entries).keys()]);
    expect(result.tables.playlists).toHaveLength(1);
    expect(result.tables.playlists[0]?.total_items).toBe(entries);
  });

  it('reads the same rows from a playlist object with an embedded page as from its page fetched alone', () => {
    // Prepare
    const fromObject = { playlistId: gorillaz.id, playlist: realPayload(gorillaz.playlistFile), pages: [] };
    const fromPage = { ...fromObject, pages: [realPayload(gorillaz.pageFile)] };

    // Act
    const [embedded, paged] = [normalise([fromObject]), normalise([fromPage])];

    // Assess
    expect(paged).toEqual(embedded);
    expect(embedded.tables.songs).toHaveLength(50);
  });

  it('keeps a local file as a local item with its uri, and makes no song, album or artist row of its null ids', () => {
    // Prepare
    const input = playlistSnapshot(starredWithLocalFile);

    // Act
    const { tables, rejects } = normalise([input]);

    // Assess
    expect(rejects).toEqual([]);
    expect(tables.playlist_items[0]).toMatchObject({
      position: 0,
      item_type: 'local',
      local_uri: 'spotify:local:Fugees+%28Refugee+Camp%29:The+Score:No+Woman%2C+No+Cry:273',
      song_id: null,
      episode_id: null,
      added_at: new Date('2013-01-19T21:31:09Z'),
      added_by: 'chadandcaren',
    });
    expect(tables.playlist_items[1]).toMatchObject({ position: 1, item_type: 'track', song_id: '4oeRfmp9XpKWym6YD1WvBP' });
    expect(tables.songs.map((song) => song.song_id)).toEqual(['4oeRfmp9XpKWym6YD1WvBP']);
    expect(tables.albums.map((album) => album.album_id)).toEqual(['3KVfMVtOmoVCgihLE4HoBr']);
    expect(tables.artists.map((artist) => artist.name)).not.toContain('Fugees (Refugee Camp)');
    expect(tables.artists.every((artist) => typeof artist.artist_id === 'string' && artist.artist_id !== '')).toBe(true);
  });

  it('keeps podcast episodes as episode items with their ids and no song rows', () => {
    // Prepare
    const input = pageSnapshot(episodesAndTracks);

    // Act
    const { tables } = normalise([input]);

    // Assess
    expect(tables.playlist_items.map((row) => [row.item_type, row.episode_id ?? row.song_id])).toEqual([
      ['episode', '6Oo1FMgWEQpQKh2mYtsnp5'],
      ['episode', '3cjmOXTGkAFYaXYQ8XR5WY'],
      ['track', '5aFGo8wHEntVxFI8IF7Wuj'],
      ['track', '0j4FFgyRleA5IbWP4BmlIC'],
    ]);
    expect(tables.songs.map((song) => song.song_id)).toEqual(['5aFGo8wHEntVxFI8IF7Wuj', '0j4FFgyRleA5IbWP4BmlIC']);
  });

  it("credits every track's artists in order, with the track's first artist as primary", () => {
    // Prepare
    const page = realPayload(gorillaz.pageFile);

    // Act
    const { tables } = normalise([pagesSnapshot(gorillaz.id, [page])]);

    // Assess
    const multiArtist = entriesOf(page).filter((entry: Json) => contentOf(entry).artists.length > 1);
    expect(multiArtist.length).toBeGreaterThan(20);
    for (const entry of entriesOf(page)) {
      const track = contentOf(entry);
      const credits = tables.song_artists.filter((row) => row.song_id === track.id);
      expect(credits).toEqual(track.artists.map((artist: Json, i: number) => ({ song_id: track.id, artist_id: artist.id, artist_position: i })));
      expect(tables.songs.find((song) => song.song_id === track.id)?.primary_artist_id).toBe(track.artists[0].id);
    }
    const stylo = tables.song_artists.filter((row) => row.song_id === '6LUfuyLgvgqrykiTE6sJHY');
    expect(stylo.map((row) => tables.artists.find((a) => a.artist_id === row.artist_id)?.name)).toEqual([
      'Gorillaz',
      'Bobby Womack',
      'Mos Def',
    ]);
  });

  it('keeps a year-precision release date as given and derives its year', () => {
    // Prepare
    const input = pageSnapshot(gorillaz);

    // Act
    const { tables } = normalise([input]);

    // Assess
    expect(tables.albums.find((album) => album.album_id === '5jJGGsAztgUEXUHHZ2zrah')).toEqual({
      album_id: '5jJGGsAztgUEXUHHZ2zrah',
      name: 'The Fall',
      album_type: 'album',
      release_date: '2010',
      release_date_precision: 'year',
      release_year: 2010,
      total_tracks: 15,
    });
    expect(tables.albums.filter((album) => album.release_date_precision === 'day').every((album) => album.release_year === Number(album.release_date?.slice(0, 4)))).toBe(true);
  });

  it('keeps the epoch added_at and empty added_by of an algorithmic playlist', () => {
    // Prepare
    const input = playlistSnapshot(gorillaz);

    // Act
    const { tables } = normalise([input]);

    // Assess
    expect(tables.playlist_items).toHaveLength(50);
    for (const row of tables.playlist_items) {
      expect(row.added_at?.toISOString()).toBe('1970-01-01T00:00:00.000Z');
      expect(row.added_by).toBe('');
    }
  });

  it('reads the dual item/track shape, the legacy shape and the item-only shape to the same rows', () => {
    // Prepare
    const dual = realPayload(dual2026.playlistFile);
    const legacy = realPayload(dual2026.playlistFile);
    delete legacy.items;
    for (const entry of legacy.tracks.items) delete entry.item;
    const itemOnly = realPayload(dual2026.playlistFile);
    delete itemOnly.tracks;
    for (const entry of itemOnly.items.items) delete entry.track;
    const snapshot = (playlist: Json) => ({ playlistId: dual2026.id, playlist, pages: [] });

    // Act
    const fromDual = normalise([snapshot(dual)]);
    const fromLegacy = normalise([snapshot(legacy)]);
    const fromItemOnly = normalise([snapshot(itemOnly)]);
    const fromDualPage = normalise([{ ...snapshot(dual), pages: [realPayload(dual2026.pageFile)] }]);

    // Assess
    expect(fromLegacy).toEqual(fromDual);
    expect(fromItemOnly).toEqual(fromDual);
    expect(fromDualPage).toEqual(fromDual);
    expect(fromDual.tables.songs).toEqual([
      {
        song_id: '3ZL9gPzeCnKG9l5SB1SlcZ',
        name: 'All I Need',
        duration_ms: 227934,
        explicit: false,
        disc_number: 1,
        track_number: 1,
        isrc: 'GBCFB2300770',
        popularity: expect.any(Number),
        album_id: '7cynQpUNbqg7ZqYQu11Yng',
        primary_artist_id: '7zrkALJ9ayRjzysp4QYoEg',
        uri: 'spotify:track:3ZL9gPzeCnKG9l5SB1SlcZ',
      },
    ]);
  });

  it('holds each song, album, artist and credit once per date across all playlists', () => {
    // Prepare
    const page = realPayload(dutchTop40.pageFile);
    const inputs = [
      pagesSnapshot('copyA', [page]),
      pagesSnapshot('copyB', [page]),
      pageSnapshot(gorillaz),
      pageSnapshot(episodesAndTracks),
      playlistSnapshot(dual2026),
      playlistSnapshot(starredWithLocalFile),
    ];

    // Act
    const { tables, rejects } = normalise(inputs);

    // Assess
    const unique = <R>(rows: R[], key: (row: R) => string) => new Set(rows.map(key)).size === rows.length;
    expect(rejects).toEqual([]);
    expect(tables.playlist_items).toHaveLength(40 + 40 + 50 + 4 + 1 + 2);
    expect(unique(tables.songs, (r) => r.song_id)).toBe(true);
    expect(unique(tables.albums, (r) => r.album_id)).toBe(true);
    expect(unique(tables.artists, (r) => r.artist_id)).toBe(true);
    expect(unique(tables.song_artists, (r) => `${r.song_id}/${r.artist_id}`)).toBe(true);
    expect(unique(tables.album_artists, (r) => `${r.album_id}/${r.artist_id}`)).toBe(true);
    expect(tables.songs.filter((song) => entriesOf(page).some((e: Json) => contentOf(e).id === song.song_id))).toHaveLength(40);
    const songIds = new Set(tables.songs.map((song) => song.song_id));
    expect(tables.playlist_items.every((row) => row.song_id === null || songIds.has(row.song_id))).toBe(true);
    const artistIds = new Set(tables.artists.map((artist) => artist.artist_id));
    expect([...tables.song_artists, ...tables.album_artists].every((row) => artistIds.has(row.artist_id))).toBe(true);
  });

  it('gives the same rows whatever order the pages of a playlist come in', () => {
    // Prepare
    const entries = entriesOf(realPayload(dutchTop40.pageFile));
    const pages = [0, 15, 30].map((offset) => pageAt(dutchTop40.id, offset, entries.slice(offset, offset + 15), 40));
    const whole = normalise([pageSnapshot(dutchTop40)]);

    // Act
    const shuffled = normalise([pagesSnapshot(dutchTop40.id, [pages[2], pages[0], pages[1]])]);

    // Assess
    expect(shuffled.rejects).toEqual([]);
    expect(shuffled).toEqual(whole);
  });

  it('takes isrc, popularity and explicit from the track', () => {
    // Prepare
    const track = contentOf(entriesOf(realPayload(dutchTop40.pageFile))[4]);

    // Act
    const { tables } = normalise([pageSnapshot(dutchTop40)]);

    // Assess
    expect(tables.songs.find((song) => song.song_id === track.id)).toMatchObject({
      name: "I'm Good (Blue)",
      explicit: true,
      isrc: track.external_ids.isrc,
      popularity: track.popularity,
      duration_ms: track.duration_ms,
    });
  });
});

describe('normalise on hand-made edge cases', () => {
  it('keeps a null entry as an unavailable item', () => {
    // Prepare
    const input = fixtureSnapshot(fixturePages.nullEntry);

    // Act
    const { tables, rejects } = normalise([input]);

    // Assess
    expect(rejects).toEqual([]);
    expect(tables.playlist_items.map((row) => row.item_type)).toEqual(['track', 'unavailable', 'track']);
    expect(tables.playlist_items[1]).toEqual({
      playlist_id: fixturePages.nullEntry.id,
      position: 1,
      item_type: 'unavailable',
      song_id: null,
      episode_id: null,
      local_uri: null,
      added_at: new Date('2016-03-11T17:13:34Z'),
      added_by: 'fixture_user',
    });
    expect(tables.playlists[0]?.total_items).toBe(3);
    expect(tables.songs).toHaveLength(2);
  });

  it('reads the 2026 item-only shape: tracks, an episode, and a compilation credited to its own artists', () => {
    // Prepare
    const input = fixtureSnapshot(fixturePages.itemsOnly2026);

    // Act
    const { tables, rejects } = normalise([input]);

    // Assess
    expect(rejects).toEqual([]);
    expect(tables.playlist_items.map((row) => row.item_type)).toEqual(['track', 'episode', 'track']);
    expect(tables.songs.map((song) => song.popularity)).toEqual([null, null]);
    const compilationSong = tables.songs.find((song) => song.album_id === '0compilationAlbum00001');
    expect(compilationSong?.primary_artist_id).toBe('0xRXCcSX89eobfrshSVdyu');
    expect(tables.album_artists.filter((row) => row.album_id === '0compilationAlbum00001')).toEqual([
      { album_id: '0compilationAlbum00001', artist_id: '0LyfQWJT6nXafLPZqxe9Of', artist_position: 0 },
    ]);
    expect(tables.albums.find((album) => album.album_id === '0compilationAlbum00001')).toMatchObject({
      album_type: 'compilation',
      release_date: '2022-07',
      release_date_precision: 'month',
      release_year: 2022,
    });
    expect(tables.artists.find((artist) => artist.artist_id === '0LyfQWJT6nXafLPZqxe9Of')?.name).toBe('Various Artists');
  });

  it('keeps a taken-down track as a song with an empty name, no ISRC, no artists and no release year', () => {
    // Prepare
    const input = fixtureSnapshot(fixturePages.takenDown);

    // Act
    const { tables, rejects } = normalise([input]);

    // Assess
    expect(rejects).toEqual([]);
    expect(tables.playlist_items[0]).toMatchObject({ item_type: 'track', song_id: '5takenDownTrackId00001' });
    expect(tables.songs[0]).toEqual({
      song_id: '5takenDownTrackId00001',
      name: '',
      duration_ms: 0,
      explicit: false,
      disc_number: 1,
      track_number: 1,
      isrc: null,
      popularity: 0,
      album_id: '5takenDownAlbumId00001',
      primary_artist_id: null,
      uri: 'spotify:track:5takenDownTrackId00001',
    });
    expect(tables.albums[0]).toMatchObject({ name: '', release_date: '0000', release_date_precision: 'year', release_year: null });
    expect(tables.song_artists.filter((row) => row.song_id === '5takenDownTrackId00001')).toEqual([]);
  });

  it('gives a track listed twice two item rows and one song row', () => {
    // Prepare
    const input = fixtureSnapshot(fixturePages.duplicate);

    // Act
    const { tables } = normalise([input]);

    // Assess
    expect(tables.playlist_items.map((row) => [row.position, row.song_id])).toEqual([
      [0, '6hgoYQDUcPyCz7LcTUHKxa'],
      [1, '0QPRDC97rIQB3Jh3hrVJoH'],
      [2, '6hgoYQDUcPyCz7LcTUHKxa'],
    ]);
    expect(tables.songs.map((song) => song.song_id)).toEqual(['6hgoYQDUcPyCz7LcTUHKxa', '0QPRDC97rIQB3Jh3hrVJoH']);
    expect(tables.song_artists.filter((row) => row.song_id === '6hgoYQDUcPyCz7LcTUHKxa')).toHaveLength(1);
  });

  it('fails a page that does not decode as one reject naming its offset and JSON path, reading none of its entries', () => {
    // Prepare
    const input = fixtureSnapshot(fixturePages.undecodablePage);

    // Act
    const { tables, rejects } = normalise([input]);

    // Assess
    expect(rejects).toEqual([
      {
        playlistId: fixturePages.undecodablePage.id,
        position: null,
        reason: 'page at offset 0 does not decode, so none of its entries were read: $.total: expected number, got string',
      },
    ]);
    expect(tables.playlist_items).toEqual([]);
  });

  it('fails an entry that does not decode as a reject with its position and JSON path, and keeps the other entries', () => {
    // Prepare
    const input = fixtureSnapshot(fixturePages.undecodableEntry);

    // Act
    const { tables, rejects } = normalise([input]);

    // Assess
    expect(rejects).toEqual([
      {
        playlistId: fixturePages.undecodableEntry.id,
        position: 1,
        reason: 'page at offset 0: $.items[1].track.duration_ms: expected number, got string',
      },
    ]);
    expect(tables.playlist_items.map((row) => row.position)).toEqual([0, 2]);
    expect(tables.playlists[0]?.total_items).toBe(3);
  });

  it('fails an entry that is not an object, naming what it is', () => {
    // Prepare
    const input = pagesSnapshot('p', [pageAt('p', 50, [null, 'x'], 52)]);

    // Act
    const { rejects } = normalise([input]);

    // Assess
    expect(rejects).toEqual([
      { playlistId: 'p', position: 50, reason: 'page at offset 50: $.items[0]: expected object, got null' },
      { playlistId: 'p', position: 51, reason: 'page at offset 50: $.items[1]: expected object, got string' },
    ]);
  });

  it('fails an added_at without a time zone rather than reading it as local time', () => {
    // Prepare
    const entry = fixture(fixturePages.duplicate.file).items[0];
    entry.added_at = '2022-07-15 19:37:22';

    // Act
    const { tables, rejects } = normalise([pagesSnapshot('p', [pageAt('p', 0, [entry], 1)])]);

    // Assess
    expect(rejects).toEqual([
      {
        playlistId: 'p',
        position: 0,
        reason: 'page at offset 0: $.items[0].added_at: expected an ISO-8601 timestamp with a zone, got "2022-07-15 19:37:22"',
      },
    ]);
    expect(tables.playlist_items).toEqual([]);
  });

  it('fails a fractional number bound for an integer column', () => {
    // Prepare
    const entry = fixture(fixturePages.itemsOnly2026.file).items[0];
    entry.item.duration_ms = 215000.5;

    // Act
    const { rejects } = normalise([pagesSnapshot('p', [pageAt('p', 0, [entry], 1)])]);

    // Assess
    expect(rejects.map((r) => r.reason)).toEqual(['page at offset 0: $.items[0].item.duration_ms: expected an integer, got 215000.5']);
  });

  it('fails a playlist object that does not decode with a reject and no playlists row, and still reads its pages', () => {
    // Prepare
    const playlist = realPayload(gorillaz.playlistFile);
    delete playlist.snapshot_id;

    // Act
    const { tables, rejects } = normalise([{ playlistId: gorillaz.id, playlist, pages: [realPayload(gorillaz.pageFile)] }]);

    // Assess
    expect(rejects).toEqual([
      {
        playlistId: gorillaz.id,
        position: null,
        reason: 'playlist object does not decode, so there is no playlists row: $.snapshot_id: expected string, got undefined',
      },
    ]);
    expect(tables.playlists).toEqual([]);
    expect(tables.playlist_items).toHaveLength(50);
  });

  it('fails a playlist object that does not decode and has no pages beside it, saying its embedded entries were not read', () => {
    // Prepare
    const playlist = realPayload(starredWithLocalFile.playlistFile);
    playlist.owner.id = 42;

    // Act
    const { tables, rejects } = normalise([{ playlistId: starredWithLocalFile.id, playlist, pages: [] }]);

    // Assess
    expect(rejects.map((r) => r.reason)).toEqual([
      'playlist object does not decode, so there is no playlists row and its embedded entries were not read: $.owner.id: expected string, got number',
    ]);
    expect(tables.playlist_items).toEqual([]);
  });

  it('fails a playlist object of another playlist', () => {
    // Prepare
    const input = { playlistId: 'other', playlist: realPayload(starredWithLocalFile.playlistFile), pages: [] };

    // Act
    const { tables, rejects } = normalise([input]);

    // Assess
    expect(rejects.map((r) => r.reason)).toEqual([
      'playlist object is for playlist "3toMXYM91T55pKzuysH5Ph", not "other", so there is no playlists row',
    ]);
    expect(tables.playlists).toEqual([]);
  });

  it('fails a second snapshot of one playlist rather than repeating its positions', () => {
    // Prepare
    const input = pageSnapshot(episodesAndTracks);

    // Act
    const { tables, rejects } = normalise([input, input]);

    // Assess
    expect(tables.playlist_items).toHaveLength(4);
    expect(rejects).toEqual([
      {
        playlistId: episodesAndTracks.id,
        position: null,
        reason: 'playlist was given twice for one date; the second snapshot was not read',
      },
    ]);
  });

  it('fails a page that repeats positions already read from another page', () => {
    // Prepare
    const entries = entriesOf(realPayload(dutchTop40.pageFile));
    const pages = [pageAt('p', 0, entries.slice(0, 20), 40), pageAt('p', 10, entries.slice(10, 40), 40)];

    // Act
    const { tables, rejects } = normalise([pagesSnapshot('p', pages)]);

    // Assess
    expect(rejects.map((r) => r.reason)).toEqual(['page at offset 10 repeats positions 10–19 already read; its entries were not read']);
    expect(tables.playlist_items).toHaveLength(20);
  });

  it('reports pages that disagree on the total and keeps the first page\'s total', () => {
    // Prepare
    const entries = entriesOf(realPayload(dutchTop40.pageFile));
    const pages = [pageAt('p', 0, entries.slice(0, 20), 40), pageAt('p', 20, entries.slice(20, 40), 41)];

    // Act
    const { tables, rejects } = normalise([pagesSnapshot('p', pages)]);

    // Assess
    expect(rejects.map((r) => r.reason)).toEqual([
      'page at offset 20 says total 41 but the page at offset 0 says 40: the playlist changed while it was read; its entries were still read',
    ]);
    expect(tables.playlist_items).toHaveLength(40);
    expect(tables.playlists[0]?.total_items).toBe(40);
  });

  it('takes total_items from the pages, else from the playlist object, else from the entries read', () => {
    // Prepare
    const playlist = realPayload(gorillaz.playlistFile);
    const page = pageAt(gorillaz.id, 0, entriesOf(playlist).slice(0, 2), 60);
    const withoutEmbeddedPage = { ...playlist, tracks: { href: playlist.tracks.href, total: 55 } };
    const bare = realPayload(gorillaz.playlistFile);
    delete bare.tracks;

    // Act
    const totals = [
      { playlistId: gorillaz.id, playlist, pages: [page] },
      { playlistId: gorillaz.id, playlist: withoutEmbeddedPage, pages: [] },
      { playlistId: gorillaz.id, playlist: bare, pages: [] },
      { playlistId: gorillaz.id, playlist: bare, pages: [pageAt(gorillaz.id, 0, [], 0)] },
    ].map((snapshot) => normalise([snapshot]).tables.playlists[0]?.total_items);

    // Assess
    expect(totals).toEqual([60, 55, 0, 0]);
  });

  it('builds the same result one snapshot at a time as in one call, and a result stays as it was', () => {
    // Prepare
    const inputs = [pageSnapshot(dutchTop40), fixtureSnapshot(fixturePages.undecodableEntry), playlistSnapshot(gorillaz)];
    const normaliser = createNormaliser();

    // Act
    normaliser.add(inputs[0]!);
    const early = normaliser.result();
    normaliser.add(inputs[1]!);
    normaliser.add(inputs[2]!);

    // Assess
    expect(normaliser.result()).toEqual(normalise(inputs));
    expect(early).toEqual(normalise([inputs[0]!]));
  });
});

describe('normalise counts the entries rejects cost per playlist', () => {
  const entries = entriesOf(realPayload(dutchTop40.pageFile));

  it('counts one entry per rejected entry', () => {
    // Act
    const { lostEntries } = normalise([fixtureSnapshot(fixturePages.undecodableEntry)]);

    // Assess
    expect(lostEntries).toEqual({ [fixturePages.undecodableEntry.id]: 1 });
  });

  it('counts no entry for pages that disagree on the total, since their entries were still read', () => {
    // Prepare
    const pages = [pageAt('p', 0, entries.slice(0, 20), 40), pageAt('p', 20, entries.slice(20, 40), 41)];

    // Act
    const { lostEntries, rejects } = normalise([pagesSnapshot('p', pages)]);

    // Assess
    expect(rejects).toHaveLength(1);
    expect(lostEntries).toEqual({ p: 0 });
  });

  it('counts every entry of a page that does not decode, not one for its reject', () => {
    // Prepare
    const broken = { ...pageAt('p', 20, entries.slice(20, 40), 40), total: '40' };
    const pages = [pageAt('p', 0, entries.slice(0, 20), 40), broken];

    // Act
    const { lostEntries, rejects } = normalise([pagesSnapshot('p', pages)]);

    // Assess
    expect(rejects).toHaveLength(1);
    expect(lostEntries).toEqual({ p: 20 });
  });

  it('counts the positions a page without an items array leaves unread', () => {
    // Prepare
    const pages = [pageAt('p', 0, entries.slice(0, 20), 40), { offset: 20, total: 40, items: 'gone' }];

    // Act
    const { lostEntries } = normalise([pagesSnapshot('p', pages)]);

    // Assess
    expect(lostEntries).toEqual({ p: 20 });
  });

  it('counts the positions past the kept pages that a page repeating positions would have given', () => {
    // Prepare
    const pages = [pageAt('p', 0, entries.slice(0, 20), 40), pageAt('p', 10, entries.slice(10, 40), 40)];

    // Act
    const { lostEntries } = normalise([pagesSnapshot('p', pages)]);

    // Assess
    expect(lostEntries).toEqual({ p: 20 });
  });

  it('counts no entry for a page that is missing without any reject, so the shortfall still fails validation', () => {
    // Prepare
    const pages = [pageAt('p', 0, entries.slice(0, 20), 40)];

    // Act
    const { lostEntries, tables } = normalise([pagesSnapshot('p', pages)]);

    // Assess
    expect(lostEntries).toEqual({ p: 0 });
    expect(tables.playlists[0]?.total_items).toBe(40);
  });
});

describe('releaseYearOf', () => {
  it.each([
    ['2019-01-04', 2019],
    ['1981-12', 1981],
    ['2010', 2010],
    ['0000', null],
    [null, null],
    [undefined, null],
    ['', null],
    ['20x0', null],
    ['2010-1-1', null],
  ])('gives %j the year %j', (date, year) => {
    expect(releaseYearOf(date)).toBe(year);
  });
});
