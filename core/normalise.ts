/**
 * The normaliser: raw Spotify playlist snapshots of one date → the seven curated tables
 * (DESIGN §4, docs/spotify-api.md §4). Pure and total: bad Spotify data becomes a
 * {@link Reject} with its JSON path, never an exception and never a silently missing row.
 */
import * as t from 'io-ts';
import { describeErrors } from './decode';
import {
  itemOf,
  PlaylistEntry,
  PlaylistItemsPage,
  PlaylistMetadata,
  totalOf,
  type SimplifiedAlbum,
  type SimplifiedArtist,
  type Track,
} from './spotify/codecs';
import { isPlaylistEntryFast } from './spotify/entry-guard';
import { tableNames, type Row, type TableName, type TableRows } from './tables';

/** One playlist of one date as Spotify returned it, before any decoding. */
export interface RawPlaylistSnapshot {
  readonly playlistId: string;
  /** The playlist object as Spotify returned it (parsed JSON). */
  readonly playlist: unknown;
  /** Its item pages of that date (parsed JSON), any order; when empty, the page embedded in `playlist` is read. */
  readonly pages: readonly unknown[];
}

/**
 * A raw file that could not be read as JSON (or is missing beside its pages): the normaliser
 * turns it into a reject that names the file, as it does for JSON that does not decode.
 */
export class UnreadableJson {
  public constructor(
    public readonly key: string,
    public readonly problem: string,
  ) {}
}

/** Something Spotify returned that did not become rows: which playlist, which entry (null for a whole page or object), and why. */
export const Reject = t.readonly(
  t.type({ playlistId: t.string, position: t.union([t.number, t.null]), reason: t.string }),
);
export type Reject = t.TypeOf<typeof Reject>;

/** The rows of one date and everything that could not be normalised. */
export interface Normalised {
  readonly tables: TableRows;
  readonly rejects: Reject[];
  /**
   * Entries per playlist that rejects cost: one per rejected entry, plus the positions a dropped
   * page left unread. A reject that cost no entry (pages disagreeing on the total) adds nothing.
   */
  readonly lostEntries: Record<string, number>;
}

/** Normalises snapshots one at a time, so memory holds the output rows and never all the raw JSON at once. */
export interface Normaliser {
  /** Adds one playlist's rows; a playlist already added is rejected whole, since its positions would repeat. */
  add(snapshot: RawPlaylistSnapshot): void;
  /** The rows and rejects of every snapshot added so far. */
  result(): Normalised;
}

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; anything else has no trustworthy year. */
const releaseDatePattern = /^(\d{4})(?:-\d{2}(?:-\d{2})?)?$/;

/** A timestamp with an explicit zone: without one, `Date` would read it as local time. */
const timestampPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

const isInt32 = (n: number): boolean => Number.isInteger(n) && n >= -0x8000_0000 && n <= 0x7fff_ffff;

/**
 * The year of a release date as given, or null for `"0000"` (taken-down tracks), absent or malformed dates.
 * @example releaseYearOf('2010') // 2010
 * @example releaseYearOf('0000') // null
 */
export const releaseYearOf = (releaseDate: string | null | undefined): number | null => {
  const year = releaseDatePattern.exec(releaseDate ?? '')?.[1];
  return year === undefined || year === '0000' ? null : Number(year);
};

/** Why `value` does not decode with `codec`: one line per problem, JSON paths rooted at `$`. */
const problemsOf = (codec: t.Decoder<unknown, unknown>, value: unknown): string[] => {
  const result = codec.decode(value);
  return result._tag === 'Left' ? describeErrors(result.left) : ['$: does not decode'];
};

/** A problem line when `value` is bound for an int32 column but is not an integer; else undefined. */
const intProblemOf = (path: string, value: number | null | undefined): string | undefined =>
  typeof value === 'number' && !isInt32(value) ? `${path}: expected an integer, got ${value}` : undefined;

/** The numbers of a track that land in int32 columns; read through a constant list so checking allocates nothing. */
const trackInts: readonly (readonly [string, (track: Track) => number | null | undefined])[] = [
  ['duration_ms', (track) => track.duration_ms],
  ['disc_number', (track) => track.disc_number],
  ['track_number', (track) => track.track_number],
  ['popularity', (track) => track.popularity],
  ['album.total_tracks', (track) => track.album?.total_tracks],
];

/** The first number of a decoded track that is not an integer, as a problem line rooted at `track`; else undefined. */
const trackProblemOf = (track: Track, root: string): string | undefined => {
  for (const [field, read] of trackInts) {
    const value = read(track);
    if (typeof value === 'number' && !isInt32(value)) return intProblemOf(`${root}.${field}`, value);
  }
  return undefined;
};

/** `added_at` as a Date, null when Spotify gives none, undefined when it is no timestamp with a zone. */
const addedAtOf = (value: string | null | undefined): Date | null | undefined => {
  if (value === null || value === undefined) return null;
  const millis = timestampPattern.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(millis) ? undefined : new Date(millis);
};

/** Adds one credit row: the song or album id, the artist id, and the credit position. */
type CreditPush = (ownerId: string, artistId: string, position: number) => void;

/** The position of the first credit of `artistId`: a later credit of the same artist is a repeat. */
const firstCreditOf = (artists: readonly SimplifiedArtist[], artistId: string): number => {
  for (let position = 0; position < artists.length; position += 1) if (artists[position]?.id === artistId) return position;
  return -1;
};

/** A page of entries, with where it lies in the raw JSON for reject reasons. */
interface SourcePage {
  readonly offset: number;
  readonly total: number;
  readonly items: readonly unknown[];
  /** Which response: `page at offset 50` or `playlist object`. */
  readonly label: string;
  /** The JSON path of its entries array in that response: `$.items` or `$.tracks.items`. */
  readonly root: string;
}

/**
 * Rows for every table of core/tables.ts, each from `rowsOf`, so a table added there is filled
 * here too. The cast is sound because `rowsOf(table)` returns that table's rows.
 */
const rowsPerTable = (rowsOf: <T extends TableName>(table: T) => Row<T>[]): TableRows =>
  Object.fromEntries(tableNames.map((table) => [table, rowsOf(table)])) as TableRows;

/**
 * Creates an incremental normaliser. Dimension rows (songs, albums, artists and their credits)
 * appear once per id across every playlist added: the first occurrence wins, in input order and
 * then by position, so the same input always yields the same rows.
 * @example
 * const normaliser = createNormaliser();
 * normaliser.add({ playlistId: 'p1', playlist, pages: [page0, page50] });
 * normaliser.result().tables.playlist_items.length // entries in page0 + page50
 */
export const createNormaliser = (): Normaliser => {
  const tables = rowsPerTable(() => []);
  const rejects: Reject[] = [];
  const lostEntries: Record<string, number> = {};
  const seen = { playlists: new Set<string>(), songs: new Set<string>(), albums: new Set<string>(), artists: new Set<string>() };

  const addArtist = (artist: SimplifiedArtist): void => {
    if (typeof artist.id !== 'string' || seen.artists.has(artist.id)) return;
    seen.artists.add(artist.id);
    tables.artists.push({ artist_id: artist.id, name: artist.name });
  };

  /**
   * Credits each artist with an id once, in credit order, through `push` (made once per table, not
   * per call: this runs for every song, and closures made per call cost more than the rows).
   */
  const addCredits = (ownerId: string, artists: readonly SimplifiedArtist[], push: CreditPush): void => {
    for (let position = 0; position < artists.length; position += 1) {
      const artist = artists[position];
      if (artist === undefined || typeof artist.id !== 'string' || firstCreditOf(artists, artist.id) !== position) continue;
      addArtist(artist);
      push(ownerId, artist.id, position);
    }
  };
  const pushSongCredit: CreditPush = (song_id, artist_id, artist_position) =>
    tables.song_artists.push({ song_id, artist_id, artist_position });
  const pushAlbumCredit: CreditPush = (album_id, artist_id, artist_position) =>
    tables.album_artists.push({ album_id, artist_id, artist_position });

  const addAlbum = (album: SimplifiedAlbum, albumId: string): void => {
    if (seen.albums.has(albumId)) return;
    seen.albums.add(albumId);
    tables.albums.push({
      album_id: albumId,
      name: album.name,
      album_type: album.album_type ?? null,
      release_date: album.release_date ?? null,
      release_date_precision: album.release_date_precision ?? null,
      release_year: releaseYearOf(album.release_date),
      total_tracks: album.total_tracks ?? null,
    });
    addCredits(albumId, album.artists ?? [], pushAlbumCredit);
  };

  const addSong = (track: Track, songId: string): void => {
    if (seen.songs.has(songId)) return;
    seen.songs.add(songId);
    const artists = track.artists ?? [];
    const albumId = track.album?.id ?? null;
    tables.songs.push({
      song_id: songId,
      name: track.name,
      duration_ms: track.duration_ms,
      // Spotify documents `explicit: false` as "no, or unknown"; old payloads that omit it mean the same.
      explicit: track.explicit ?? false,
      // Spotify itself uses 0 for "no place on an album" (local files); positions it knows are 1-based,
      // so 0 never collides with a real one and needs no invented disc 1.
      disc_number: track.disc_number ?? 0,
      track_number: track.track_number ?? 0,
      isrc: track.external_ids?.isrc ?? null,
      popularity: track.popularity ?? null,
      album_id: albumId,
      primary_artist_id: artists[0]?.id ?? null,
      uri: track.uri,
    });
    if (track.album !== undefined && albumId !== null) addAlbum(track.album, albumId);
    addCredits(songId, artists, pushSongCredit);
  };

  /** Records why the entry at `index` of `page` gave no row, its problem paths rooted at the entry (`$`). */
  const rejectEntry = (playlistId: string, position: number, page: SourcePage, index: number, problems: readonly string[]) => {
    const root = `${page.root}[${index}]`;
    const reason = `${page.label}: ${problems.map((problem) => `${root}${problem.slice(1)}`).join('; ')}`;
    rejects.push({ playlistId, position, reason });
  };

  /** One playlist_items row for a decodable entry, plus the dimension rows its track brings; else a reject. */
  const addEntry = (playlistId: string, position: number, raw: unknown, page: SourcePage, index: number): void => {
    // Decoding allocates; the guards do not, and decode runs only to explain an entry that fails.
    if (!(isPlaylistEntryFast(raw) || PlaylistEntry.is(raw))) {
      rejectEntry(playlistId, position, page, index, problemsOf(PlaylistEntry, raw));
      return;
    }
    const item = itemOf(raw);
    const addedAt = addedAtOf(raw.added_at);
    if (addedAt === undefined) {
      rejectEntry(playlistId, position, page, index, [`$.added_at: expected an ISO-8601 timestamp with a zone, got "${raw.added_at}"`]);
      return;
    }
    const problem = item?.type === 'track' ? trackProblemOf(item, raw.item ? '$.item' : '$.track') : undefined;
    if (problem !== undefined) {
      rejectEntry(playlistId, position, page, index, [problem]);
      return;
    }
    const row: Row<'playlist_items'> = {
      playlist_id: playlistId,
      position,
      item_type: 'unavailable',
      song_id: null,
      episode_id: null,
      local_uri: null,
      added_at: addedAt,
      added_by: raw.added_by?.id ?? null,
    };
    if (raw.is_local === true || (item?.type === 'track' && item.is_local === true)) {
      row.item_type = 'local';
      row.local_uri = item?.uri ?? null;
    } else if (item?.type === 'episode') {
      row.item_type = 'episode';
      row.episode_id = item.id;
    } else if (item?.type === 'track' && item.id) {
      row.item_type = 'track';
      row.song_id = item.id;
      addSong(item, item.id);
    }
    tables.playlist_items.push(row);
  };

  /**
   * The decodable pages in offset order; a page that does not decode or repeats positions is a
   * reject, and `dropped` says whether there was one.
   */
  const sourcePagesOf = (snapshot: RawPlaylistSnapshot, metadata: PlaylistMetadata | undefined): { pages: SourcePage[]; dropped: boolean } => {
    let dropped = false;
    const reject = (reason: string) => rejects.push({ playlistId: snapshot.playlistId, position: null, reason });
    const pages: SourcePage[] = [];
    for (const [index, raw] of snapshot.pages.entries()) {
      const offset: unknown = typeof raw === 'object' && raw !== null ? (raw as { offset?: unknown }).offset : undefined;
      const label = typeof offset === 'number' ? `page at offset ${offset}` : `page ${index + 1} of ${snapshot.pages.length}`;
      const unreadable = (problem: string) => {
        dropped = true;
        reject(`${label} does not decode, so none of its entries were read: ${problem}`);
      };
      if (raw instanceof UnreadableJson) {
        dropped = true;
        reject(`${raw.key} cannot be read, so none of its entries were read: ${raw.problem}`);
        continue;
      }
      if (!PlaylistItemsPage.is(raw)) {
        unreadable(problemsOf(PlaylistItemsPage, raw).join('; '));
        continue;
      }
      const problem = intProblemOf('$.offset', raw.offset) ?? intProblemOf('$.total', raw.total);
      if (problem !== undefined) {
        unreadable(problem);
        continue;
      }
      pages.push({ offset: raw.offset, total: raw.total, items: raw.items, label, root: '$.items' });
    }
    if (snapshot.pages.length === 0 && metadata !== undefined) {
      const key = metadata.items?.items ? 'items' : 'tracks';
      const embedded = metadata[key];
      if (embedded?.items) {
        pages.push({ offset: embedded.offset ?? 0, total: embedded.total, items: embedded.items, label: 'playlist object', root: `$.${key}.items` });
      }
    }
    pages.sort((a, b) => a.offset - b.offset);
    let end = 0;
    const kept = pages.filter((page, index) => {
      const first = pages[0];
      if (first !== undefined && page.total !== first.total) {
        reject(
          `page at offset ${page.offset} says total ${page.total} but the page at offset ${first.offset} says ${first.total}: ` +
            'the playlist changed while it was read; its entries were still read',
        );
      }
      if (index > 0 && page.offset < end) {
        dropped = true;
        reject(`page at offset ${page.offset} repeats positions ${page.offset}–${end - 1} already read; its entries were not read`);
        return false;
      }
      end = page.offset + page.items.length;
      return true;
    });
    return { pages: kept, dropped };
  };

  const add = (snapshot: RawPlaylistSnapshot): void => {
    const { playlistId } = snapshot;
    const reject = (reason: string) => rejects.push({ playlistId, position: null, reason });
    if (seen.playlists.has(playlistId)) {
      reject('playlist was given twice for one date; the second snapshot was not read');
      return;
    }
    seen.playlists.add(playlistId);

    let metadata: PlaylistMetadata | undefined;
    if (snapshot.playlist instanceof UnreadableJson) {
      const unread = snapshot.pages.length === 0 ? ' and its embedded entries were not read' : '';
      reject(`${snapshot.playlist.key} cannot be read, so there is no playlists row${unread}: ${snapshot.playlist.problem}`);
    } else if (!PlaylistMetadata.is(snapshot.playlist)) {
      // Its pages still give rows (they are independent responses), but an embedded page is not trusted.
      const problems = problemsOf(PlaylistMetadata, snapshot.playlist).join('; ');
      const unread = snapshot.pages.length === 0 ? ' and its embedded entries were not read' : '';
      reject(`playlist object does not decode, so there is no playlists row${unread}: ${problems}`);
    } else if (snapshot.playlist.id !== playlistId) {
      reject(`playlist object is for playlist "${snapshot.playlist.id}", not "${playlistId}", so there is no playlists row`);
    } else {
      metadata = snapshot.playlist;
    }

    const { pages, dropped } = sourcePagesOf(snapshot, metadata);
    const rowsBefore = tables.playlist_items.length;
    let entries = 0;
    for (const page of pages) {
      page.items.forEach((entry, index) => addEntry(playlistId, page.offset + index, entry, page, index));
      entries += page.items.length;
    }
    const total = pages[0]?.total ?? (metadata === undefined ? undefined : totalOf(metadata)) ?? entries;
    // A dropped page's entries are the positions the kept pages leave short of the total: exact
    // even when the dropped page has no items array to count. Without a dropped page, a shortfall
    // is not a reject's doing and must still fail items_match_total.
    const unread = dropped ? Math.max(0, total - entries) : 0;
    lostEntries[playlistId] = entries - (tables.playlist_items.length - rowsBefore) + unread;
    if (metadata === undefined) return;
    tables.playlists.push({
      playlist_id: playlistId,
      snapshot_id: metadata.snapshot_id,
      name: metadata.name,
      description: metadata.description ?? null,
      owner_id: metadata.owner.id,
      owner_name: metadata.owner.display_name ?? null,
      public: metadata.public ?? null,
      // Spotify omits `collaborative` only on objects where it cannot be true (simplified, old payloads).
      collaborative: metadata.collaborative ?? false,
      total_items: total,
    });
  };

  const result = (): Normalised => ({
    tables: rowsPerTable((table) => [...tables[table]]),
    rejects: [...rejects],
    lostEntries: { ...lostEntries },
  });

  return { add, result };
};

/**
 * Normalises the snapshots of one date in one go.
 * @example normalise([{ playlistId: 'p1', playlist, pages: [] }]).tables.playlists[0]?.total_items // 50
 */
export const normalise = (snapshots: readonly RawPlaylistSnapshot[]): Normalised => {
  const normaliser = createNormaliser();
  for (const snapshot of snapshots) normaliser.add(snapshot);
  return normaliser.result();
};
