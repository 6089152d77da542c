/**
 * The emulator's built-in catalog: a dozen playlists generated from a seed, sized at the paging
 * boundaries (0, 1, 49, 50, 51, 250, 1000 entries) and carrying every edge case of
 * docs/spotify-api.md §4, plus one playlist the user may not read. On request it is instead
 * a large synthetic catalog for benchmarks. Entries are computed per position from the seed, so
 * a catalog of any size costs the memory of its album and artist pools only.
 */
import type { EmulatedCatalog, EmulatedPlaylist, Shape } from './catalog';
import { entryKeysOf, pageKeysOf, servedOften } from './catalog';
import { versionOn } from './catalog-history';
import { randomFor, spotifyIdFor, type Random } from './random';

/** Options of {@link builtInCatalog}. */
export interface BuiltInCatalogOptions {
  readonly seed: number;
  readonly shape: Shape;
  /** Generate this many playlists of this many entries instead of the built-in set. */
  readonly synthetic?: { readonly playlists: number; readonly entriesPerPlaylist: number } | undefined;
  /** The date served (YYYY-MM-DD): playlists change from date to date (catalog-history.ts). @default the generated playlists, unchanged */
  readonly date?: string | undefined;
}

/** Share of days on which a built-in playlist changes; the others never do. */
const changeRates: Readonly<Record<string, number>> = {
  'road-trip': 1,
  'edge-cases': 0.5,
  podcasts: 0.5,
  shared: 0.5,
  'forty-nine': 0.3,
  'fifty-one': 0.3,
  'line-breaks': 0.3,
};

/** The user who consented: owns the built-in playlists. */
export const emulatorUser = { id: 'emulator-user', display_name: 'Émile Émulateur' } as const;
const collaborator = { id: 'ana-collab', display_name: 'Ana "Collab" Núñez' } as const;
const stranger = { id: 'someone-else', display_name: null } as const;
type User = { readonly id: string; readonly display_name: string | null };

/** Spotify's own "Various Artists" id, the album artist of compilations. */
const variousArtists = { id: '0LyfQWJT6nXafLPZqxe9Of', name: 'Various Artists' } as const;

const web = 'https://api.spotify.com/v1';
const open = 'https://open.spotify.com';

/** How a playlist's entries are made. */
type Profile = 'plain' | 'mixed' | 'edge-cases' | 'podcast' | 'algorithmic';

interface PlaylistSpec {
  readonly key: string;
  readonly name: string;
  readonly description: string | null;
  readonly size: number;
  readonly owner: User;
  readonly readable: boolean;
  readonly collaborative: boolean;
  readonly public: boolean | null;
  readonly profile: Profile;
}

const spec = (key: string, name: string, size: number, profile: Profile, extra: Partial<PlaylistSpec> = {}): PlaylistSpec => ({
  key,
  name,
  description: null,
  size,
  owner: emulatorUser,
  readable: true,
  collaborative: false,
  public: true,
  profile,
  ...extra,
});

const builtInSpecs: readonly PlaylistSpec[] = [
  spec('empty', 'Empty for now', 0, 'plain', { public: false }),
  spec('one', 'Just one', 1, 'plain'),
  spec('forty-nine', 'Forty-nine', 49, 'plain'),
  spec('fifty', 'Exactly fifty', 50, 'plain', { description: 'One full page of 50.' }),
  spec('fifty-one', 'Fifty-one', 51, 'plain'),
  spec('road-trip', 'Road trip, 2026 — ça va "loud"', 250, 'mixed', { description: 'Windows down, volume up, commas, "quotes".' }),
  spec('everything', 'Everything, ever', 1000, 'mixed', { public: null }),
  spec('edge-cases', 'Edge cases: null, local, episodes & taken-down', 26, 'edge-cases', {
    description: 'Every oddity Spotify really returns.',
  }),
  spec('podcasts', 'Podcasts & songs', 12, 'podcast'),
  spec('made-for-you', 'Made for you (epoch dates)', 30, 'algorithmic'),
  spec('shared', 'Shared with friends', 60, 'mixed', { owner: collaborator, collaborative: true, public: false }),
  spec('line-breaks', 'Línea uno\nline two, "quoted" 日本語 🎧', 7, 'plain', { description: 'Multi-line\nname; comma, and "quotes".' }),
  spec('not-mine', "Someone else's playlist", 20, 'plain', { owner: stranger, readable: false }),
];

const adjectives = ['Blue', 'Quiet', 'Electric', 'Golden', 'Broken', 'Midnight', 'Velvet', 'Paper', 'Neon', 'Silver', 'Wild', 'Hollow', 'Distant', 'Sweet', 'Frozen', 'Crimson'];
/** Nouns with their plurals spelled out (Cities, Skies, Echoes): band names take the plural. */
const nouns = [
  { one: 'Heart', many: 'Hearts' },
  { one: 'River', many: 'Rivers' },
  { one: 'City', many: 'Cities' },
  { one: 'Dreams', many: 'Dreams' },
  { one: 'Fire', many: 'Fires' },
  { one: 'Sky', many: 'Skies' },
  { one: 'Road', many: 'Roads' },
  { one: 'Echo', many: 'Echoes' },
  { one: 'Garden', many: 'Gardens' },
  { one: 'Machine', many: 'Machines' },
  { one: 'Summer', many: 'Summers' },
  { one: 'Ocean', many: 'Oceans' },
  { one: 'Light', many: 'Lights' },
  { one: 'Shadow', many: 'Shadows' },
  { one: 'Train', many: 'Trains' },
  { one: 'Mirror', many: 'Mirrors' },
] as const;
const oddArtistNames = ['Zoë & the Ünderdogs', 'Los "Tres" Amigos', 'Earth, Wind and Sand', '坂本 Ryo', 'Ólafur Nótt', "Guns N' Poses"];
const oddTitles = ['Ça plane pour moi (remix)', 'Don\'t Stop, "Believin\'"', 'Line one\nline two', 'Ünïcödé Ŝoŋg', '東京 Nights', 'Comma, separated, title', 'Emoji 🎧 track'];

const title = (random: Random, oddRate: number): string =>
  random.chance(oddRate) ? random.pick(oddTitles) : `${random.pick(adjectives)} ${random.pick(nouns).one}`;

const images = (id: string): Record<string, unknown>[] =>
  [640, 300, 64].map((size) => ({ url: `https://i.scdn.co/image/ab67616d0000${size}${id}`, height: size, width: size }));

const userObject = (user: User, withName: boolean): Record<string, unknown> => ({
  ...(withName ? { display_name: user.display_name } : {}),
  external_urls: { spotify: `${open}/user/${user.id}` },
  href: `${web}/users/${user.id}`,
  id: user.id,
  type: 'user',
  uri: `spotify:user:${user.id}`,
});

const artistObject = (artist: { id: string; name: string }): Record<string, unknown> => ({
  external_urls: { spotify: `${open}/artist/${artist.id}` },
  href: `${web}/artists/${artist.id}`,
  id: artist.id,
  name: artist.name,
  type: 'artist',
  uri: `spotify:artist:${artist.id}`,
});

interface Album {
  readonly id: string;
  readonly name: string;
  readonly albumType: 'album' | 'single' | 'compilation';
  readonly releaseDate: string;
  readonly precision: 'day' | 'month' | 'year';
  readonly totalTracks: number;
  readonly artists: readonly { id: string; name: string }[];
}

const albumObject = (album: Album): Record<string, unknown> => ({
  album_type: album.albumType,
  total_tracks: album.totalTracks,
  external_urls: { spotify: `${open}/album/${album.id}` },
  href: `${web}/albums/${album.id}`,
  id: album.id,
  images: images(album.id),
  name: album.name,
  release_date: album.releaseDate,
  release_date_precision: album.precision,
  type: 'album',
  uri: `spotify:album:${album.id}`,
  artists: album.artists.map(artistObject),
});

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** The seed-determined pools every playlist draws from, so songs, albums and artists recur. */
const pools = (seed: number) => {
  const artists = Array.from({ length: 160 }, (_, i) => ({
    id: spotifyIdFor(seed, 'artist', i),
    name: oddArtistNames[i] ?? `${randomFor(seed, 'artist', i).pick(adjectives)} ${randomFor(seed, 'artist-noun', i).pick(nouns).many}`,
  }));
  const albums: Album[] = Array.from({ length: 240 }, (_, i) => {
    const random = randomFor(seed, 'album', i);
    // The first few albums are fixed so the edge-case playlist can point at each oddity.
    const albumType = i === 0 || (i > 4 && random.chance(0.08)) ? 'compilation' : random.chance(0.25) ? 'single' : 'album';
    const precision = i === 1 ? 'month' : i === 2 ? 'year' : i <= 4 ? 'day' : random.chance(0.75) ? 'day' : random.chance(0.6) ? 'month' : 'year';
    const year = random.int(1960, 2026);
    const releaseDate =
      precision === 'day' ? `${year}-${pad2(random.int(1, 12))}-${pad2(random.int(1, 28))}` : precision === 'month' ? `${year}-${pad2(random.int(1, 12))}` : String(year);
    const primary = artists[random.int(0, artists.length - 1)] ?? variousArtists;
    const duo = i === 4 || random.chance(0.12);
    return {
      id: spotifyIdFor(seed, 'album', i),
      name: title(random, 0.05),
      albumType,
      releaseDate,
      precision,
      totalTracks: albumType === 'single' ? random.int(1, 3) : random.int(6, 18),
      artists: albumType === 'compilation' ? [variousArtists] : duo ? [primary, artists[(artists.indexOf(primary) + 7) % artists.length] ?? primary] : [primary],
    };
  });
  return { artists, albums };
};

/** Which kind of entry to make at a position. */
type Kind = 'track' | 'null' | 'local' | 'episode' | 'taken-down' | 'duplicate' | 'epoch' | 'added-by-null' | 'added-at-null' | 'relinked';
const oddKinds: readonly Kind[] = ['null', 'local', 'episode', 'taken-down', 'duplicate', 'epoch', 'added-by-null', 'relinked'];
/** Kinds whose content is the position's own plain track. */
const plainTrackKinds: readonly Kind[] = ['track', 'epoch', 'added-by-null', 'added-at-null'];

/** The edge-case playlist, position by position; positions past the end are mixed. */
const edgeRecipes: readonly { kind: Kind; album?: number }[] = [
  { kind: 'track', album: 0 }, // compilation by Various Artists, track artists differ
  { kind: 'track', album: 1 }, // release_date_precision month
  { kind: 'track', album: 2 }, // release_date_precision year
  { kind: 'track', album: 4 }, // several artists, precision day
  { kind: 'null' },
  { kind: 'local' },
  { kind: 'episode' },
  { kind: 'taken-down' },
  { kind: 'duplicate' },
  { kind: 'epoch' },
  { kind: 'added-by-null' },
  { kind: 'added-at-null' },
  { kind: 'relinked' },
  { kind: 'local' },
  { kind: 'null' },
  { kind: 'episode' },
];

const shows = (seed: number) =>
  ['Design Matters, Mostly', 'Ça parle de musique', 'The "Long" Interview'].map((name, i) => ({
    id: spotifyIdFor(seed, 'show', i),
    name,
    publisher: randomFor(seed, 'show', i).pick(oddArtistNames),
  }));

/** Builds the catalog: the built-in playlists, or a synthetic one when asked. */
export const builtInCatalog = (options: BuiltInCatalogOptions): EmulatedCatalog => {
  const { seed, shape } = options;
  const { artists, albums } = pools(seed);
  const showPool = shows(seed);
  const entryKeys = entryKeysOf(shape);

  // A track is the same object wherever it appears (a pure function of the seed and its place on
  // its album), and the pools hold a few thousand: each is built once, not once per entry served.
  const tracks = new Map<string, Readonly<Record<string, unknown>>>();
  const trackObject = (albumIndex: number, trackNumber: number): Readonly<Record<string, unknown>> => {
    const key = `${albumIndex}/${trackNumber}`;
    let track = tracks.get(key);
    if (track === undefined) {
      track = servedOften(newTrackObject(albumIndex, trackNumber));
      tracks.set(key, track);
    }
    return track;
  };
  const newTrackObject = (albumIndex: number, trackNumber: number): Record<string, unknown> => {
    const album = albums[albumIndex] as Album;
    const random = randomFor(seed, 'track', albumIndex, trackNumber);
    const id = spotifyIdFor(seed, 'track', albumIndex, trackNumber);
    const featured = random.chance(0.25) ? random.int(1, 2) : 0;
    const trackArtists =
      album.albumType === 'compilation'
        ? Array.from({ length: random.int(1, 3) }, () => random.pick(artists))
        : [...album.artists, ...Array.from({ length: featured }, () => random.pick(artists))];
    const track: Record<string, unknown> = {
      album: albumObject(album),
      artists: [...new Map(trackArtists.map((artist) => [artist.id, artist])).values()].map(artistObject),
      disc_number: 1,
      duration_ms: random.int(90_000, 420_000),
      explicit: random.chance(0.15),
      external_ids: { isrc: `QZ${random.pick(['ES', 'GB', 'US', 'FR'])}${pad2(random.int(0, 99))}${String(random.int(0, 99_999)).padStart(5, '0')}` },
      external_urls: { spotify: `${open}/track/${id}` },
      href: `${web}/tracks/${id}`,
      id,
      is_local: false,
      name: title(random, 0.06),
      preview_url: null,
      track_number: trackNumber,
      type: 'track',
      uri: `spotify:track:${id}`,
    };
    // popularity was removed for Development-Mode apps in February 2026: present on some only.
    if (random.chance(0.5)) track.popularity = random.int(0, 100);
    return track;
  };

  const trackChoice = (key: string, position: number, albumIndex?: number): [number, number] => {
    const random = randomFor(seed, 'choice', key, position);
    const index = albumIndex ?? random.int(0, albums.length - 1);
    return [index, random.int(1, (albums[index] as Album).totalTracks)];
  };

  const takenDown = (key: string, position: number): Record<string, unknown> => {
    const id = spotifyIdFor(seed, 'taken-down', key, position);
    const albumId = spotifyIdFor(seed, 'taken-down-album', key, position);
    return {
      ...trackObject(...trackChoice(key, position)),
      album: { ...albumObject({ id: albumId, name: '', albumType: 'album', releaseDate: '0000', precision: 'year', totalTracks: 0, artists: [] }), images: [] },
      duration_ms: 0,
      external_ids: {},
      external_urls: { spotify: `${open}/track/${id}` },
      href: `${web}/tracks/${id}`,
      id,
      name: '',
      uri: `spotify:track:${id}`,
    };
  };

  const localTrack = (random: Random): Record<string, unknown> => {
    const artist = random.pick(oddArtistNames);
    const album = `${random.pick(adjectives)} Tapes`;
    const name = title(random, 0.3);
    const seconds = random.int(60, 400);
    const part = (text: string) => encodeURIComponent(text).replace(/%20/g, '+');
    return {
      album: { album_type: null, available_markets: [], external_urls: {}, href: null, id: null, images: [], name: album, release_date: null, release_date_precision: null, type: 'album', uri: null, artists: [] },
      artists: [{ external_urls: {}, href: null, id: null, name: artist, type: 'artist', uri: null }],
      available_markets: [],
      disc_number: 0,
      duration_ms: seconds * 1000,
      explicit: false,
      external_ids: {},
      external_urls: {},
      href: null,
      id: null,
      is_local: true,
      name,
      popularity: 0,
      preview_url: null,
      track_number: 0,
      type: 'track',
      uri: `spotify:local:${part(artist)}:${part(album)}:${part(name)}:${seconds}`,
    };
  };

  const episode = (random: Random): Record<string, unknown> => {
    const showIndex = random.int(0, showPool.length - 1);
    const show = showPool[showIndex] as (typeof showPool)[number];
    const number = random.int(1, 400);
    const id = spotifyIdFor(seed, 'episode', showIndex, number);
    const description = `Episode ${number} of ${show.name}.`;
    return {
      audio_preview_url: null,
      description,
      duration_ms: random.int(600_000, 5_400_000),
      explicit: false,
      external_urls: { spotify: `${open}/episode/${id}` },
      href: `${web}/episodes/${id}`,
      html_description: `<p>${description}</p>`,
      id,
      images: images(id),
      is_externally_hosted: false,
      is_playable: true,
      languages: ['en'],
      name: `${number}: ${title(random, 0.1)}`,
      release_date: `20${pad2(random.int(15, 26))}-${pad2(random.int(1, 12))}-${pad2(random.int(1, 28))}`,
      release_date_precision: 'day',
      show: {
        copyrights: [],
        description: `${show.name}, by ${show.publisher}.`,
        explicit: false,
        external_urls: { spotify: `${open}/show/${show.id}` },
        href: `${web}/shows/${show.id}`,
        html_description: `<p>${show.name}</p>`,
        id: show.id,
        images: images(show.id),
        is_externally_hosted: false,
        languages: ['en'],
        media_type: 'audio',
        name: show.name,
        publisher: show.publisher,
        total_episodes: 400,
        type: 'show',
        uri: `spotify:show:${show.id}`,
      },
      type: 'episode',
      uri: `spotify:episode:${id}`,
    };
  };

  const kindAt = (playlist: PlaylistSpec, position: number, random: Random): { kind: Kind; album?: number } => {
    switch (playlist.profile) {
      case 'plain':
        return { kind: 'track' };
      case 'algorithmic':
        return { kind: 'epoch' };
      case 'podcast':
        return { kind: position % 2 === 0 ? 'episode' : 'track' };
      case 'edge-cases':
        if (edgeRecipes[position]) return edgeRecipes[position];
        break;
      case 'mixed':
        break;
    }
    if (!random.chance(0.06)) return { kind: 'track' };
    const kind = random.pick(oddKinds);
    return kind === 'duplicate' && position === 0 ? { kind: 'track' } : { kind };
  };

  /** The song of the nearest of the previous ten entries that holds a plain track, for duplicates. */
  const earlierTrack = (playlist: PlaylistSpec, position: number): [number, number] | undefined => {
    for (let earlier = position - 1; earlier >= Math.max(0, position - 10); earlier -= 1) {
      const { kind, album } = kindAt(playlist, earlier, randomFor(seed, 'entry', playlist.key, earlier));
      if (plainTrackKinds.includes(kind)) return trackChoice(playlist.key, earlier, album);
    }
    return undefined;
  };

  const entryAt = (playlist: PlaylistSpec, position: number): Record<string, unknown> => {
    const random = randomFor(seed, 'entry', playlist.key, position);
    const { kind, album } = kindAt(playlist, position, random);
    const adder = playlist.collaborative && random.chance(0.5) ? emulatorUser : playlist.owner;
    const addedAt = new Date(Date.UTC(2015, 0, 1) + random.int(0, 11 * 365 * 86_400) * 1000).toISOString().replace('.000Z', 'Z');
    let item: Record<string, unknown> | null;
    switch (kind) {
      case 'null':
        item = null;
        break;
      case 'local':
        item = localTrack(random);
        break;
      case 'episode':
        item = episode(random);
        break;
      case 'taken-down':
        item = takenDown(playlist.key, position);
        break;
      case 'duplicate':
        item = trackObject(...(earlierTrack(playlist, position) ?? trackChoice(playlist.key, position)));
        break;
      case 'relinked':
        item = { ...trackObject(...trackChoice(playlist.key, position)), linked_from: linkedFrom(spotifyIdFor(seed, 'relinked', playlist.key, position)) };
        break;
      default:
        item = trackObject(...trackChoice(playlist.key, position, album));
    }
    const epoch = kind === 'epoch';
    const entry: Record<string, unknown> = {
      added_at: kind === 'added-at-null' ? null : epoch ? '1970-01-01T00:00:00Z' : addedAt,
      added_by: kind === 'added-by-null' ? null : epoch ? userObject({ id: '', display_name: null }, false) : userObject(adder, false),
      is_local: kind === 'local',
      primary_color: null,
    };
    for (const key of entryKeys) entry[key] = item;
    entry.video_thumbnail = { url: null };
    return entry;
  };

  const playlistOf = (playlist: PlaylistSpec): EmulatedPlaylist => {
    const id = spotifyIdFor(seed, 'playlist', playlist.key);
    const rate = options.synthetic ? 0 : (changeRates[playlist.key] ?? 0);
    const { version, positions, addedOn } = versionOn(seed, playlist.key, playlist.size, rate, options.date);
    const snapshotId = `${spotifyIdFor(seed, 'snapshot', playlist.key)}${spotifyIdFor(seed, 'snapshot-2', playlist.key).slice(0, 10)}`;
    const entryOf = (position: number): Record<string, unknown> => {
      const entry = entryAt(playlist, position);
      const added = addedOn.get(position);
      return added === undefined ? entry : { ...entry, added_at: added };
    };
    return {
      id,
      readable: playlist.readable,
      total: positions.length,
      pageKeys: pageKeysOf(shape),
      metadata: {
        collaborative: playlist.collaborative,
        description: playlist.description,
        external_urls: { spotify: `${open}/playlist/${id}` },
        followers: { href: null, total: randomFor(seed, 'followers', playlist.key).int(0, 5000) },
        href: `${web}/playlists/${id}`,
        id,
        images: [],
        name: playlist.name,
        owner: userObject(playlist.owner, true),
        primary_color: null,
        public: playlist.public,
        // A new version, a new id; version 0 keeps the id the catalog always had.
        snapshot_id: version === 0 ? snapshotId : `${snapshotId.slice(0, 22)}${spotifyIdFor(seed, 'snapshot-version', playlist.key, version).slice(0, 10)}`,
        type: 'playlist',
        uri: `spotify:playlist:${id}`,
      },
      entries: (offset, limit) => positions.slice(offset, offset + limit).map(entryOf),
    };
  };

  const specs = options.synthetic
    ? Array.from({ length: options.synthetic.playlists }, (_, i) =>
        spec(`synthetic-${i}`, `Synthetic playlist ${i + 1}`, options.synthetic?.entriesPerPlaylist ?? 0, 'mixed'),
      )
    : builtInSpecs;
  const playlists = specs.map(playlistOf);
  return {
    playlists: new Map(playlists.map((playlist) => [playlist.id, playlist])),
    readableIds: playlists.filter((playlist) => playlist.readable).map((playlist) => playlist.id),
    warnings: [],
  };
};

const linkedFrom = (id: string): Record<string, unknown> => ({
  external_urls: { spotify: `${open}/track/${id}` },
  href: `${web}/tracks/${id}`,
  id,
  type: 'track',
  uri: `spotify:track:${id}`,
});
