/**
 * What the emulator serves, whatever it comes from (the built-in generator or recorded
 * fixtures), and how it is put on the wire: playlist objects and paging objects exactly as the
 * Web API shapes them (`href`, `limit`, `next`, `offset`, `previous`, `total`, `items`).
 */

/** Field names in responses: 2026 names only, both (the deprecation window), or the legacy ones. */
export type Shape = 'new' | 'dual' | 'legacy';

/** The top-level key(s) of a playlist object that carry its items page. */
export type PageKey = 'items' | 'tracks';

/** One playlist the emulator knows. Entries are produced on demand, so big catalogs stay light. */
export interface EmulatedPlaylist {
  readonly id: string;
  /** Whether the consenting user owns or collaborates on it (else its items answer 403). */
  readonly readable: boolean;
  /** The playlist object without its items page. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Where the playlist object carries its items page, in the shape it is served in. */
  readonly pageKeys: readonly PageKey[];
  /** How many entries it holds. */
  readonly total: number;
  /** Entries `[offset, offset + limit)` in wire form; fewer at the end. */
  entries(offset: number, limit: number): readonly unknown[];
}

/** Every playlist the emulator serves. */
export interface EmulatedCatalog {
  readonly playlists: ReadonlyMap<string, EmulatedPlaylist>;
  /** The playlists the consenting user can read, in catalog order. */
  readonly readableIds: readonly string[];
  /** What was skipped while building the catalog (e.g. fixture files that are not playlists). */
  readonly warnings: readonly string[];
}

/** The page keys a playlist object of `shape` carries. */
export const pageKeysOf = (shape: Shape): readonly PageKey[] =>
  shape === 'new' ? ['items'] : shape === 'legacy' ? ['tracks'] : ['items', 'tracks'];

/** The entry keys (`item`, `track`) a playlist entry of `shape` carries. */
export const entryKeysOf = (shape: Shape): readonly ('item' | 'track')[] =>
  shape === 'new' ? ['item'] : shape === 'legacy' ? ['track'] : ['item', 'track'];

/** A paging object over the playlist's entries at `offset`, as `GET /playlists/{id}/items` returns it. */
export const itemsPage = (
  apiBaseUrl: string,
  playlist: EmulatedPlaylist,
  offset: number,
  limit: number,
  endpoint: PageKey = 'items',
): Record<string, unknown> => {
  const link = (at: number): string => `${apiBaseUrl}/playlists/${playlist.id}/${endpoint}?offset=${at}&limit=${limit}`;
  return {
    href: link(offset),
    // Generated when read: a `fields` filter that drops them (extraction's `items(total)` on the
    // playlist object) then costs nothing, and generating entries is most of the emulator's work.
    get items() {
      return playlist.entries(offset, limit);
    },
    limit,
    next: offset + limit < playlist.total ? link(offset + limit) : null,
    offset,
    previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
    total: playlist.total,
  };
};

/** Spotify embeds at most this many entries in a playlist object. */
const embeddedPageSize = 100;

/**
 * The playlist object of `GET /playlists/{id}`. With `withEntries` false (a playlist the user may
 * not read) it carries only the entry count, as Spotify does since February 2026.
 */
export const playlistObject = (apiBaseUrl: string, playlist: EmulatedPlaylist, withEntries: boolean): Record<string, unknown> => {
  const object: Record<string, unknown> = { ...playlist.metadata };
  for (const key of playlist.pageKeys) {
    object[key] = withEntries
      ? itemsPage(apiBaseUrl, playlist, 0, embeddedPageSize, key)
      : { href: `${apiBaseUrl}/playlists/${playlist.id}/${key}`, total: playlist.total };
  }
  return object;
};

/** Objects served unchanged in many answers (the built-in catalog's tracks), with their JSON as UTF-8 once made. */
const sharedBytes = new WeakMap<object, Buffer | undefined>();

/**
 * Marks `value` as served unchanged in many answers, so {@link toJsonBytes} serialises and encodes
 * it once: the built-in catalog's tracks recur across entries and playlists, and they are most of
 * every page's bytes.
 */
export const servedOften = <T extends object>(value: T): T => {
  sharedBytes.set(value, undefined);
  return value;
};

/**
 * Stands where a shared object's text goes. Only the built-in catalog marks objects, and none of
 * its strings holds a NUL, so its text cannot hold the placeholder by chance.
 */
const placeholder = (index: number): string => `\u0000shared ${index}\u0000`;
/** Splits a text at its placeholders, capturing each one's index. */
const placeholders = /"\\u0000shared (\d+)\\u0000"/;

/**
 * `JSON.stringify(body)` as UTF-8, the same bytes, with each object marked {@link servedOften}
 * serialised and encoded once per emulator: the answer is the rest of the body's text with those
 * objects' bytes put in. A page of 50 entries took about 1 ms to stringify with the tracks in it
 * and encode whole, which made the emulator, not the pipeline, the slower side of a local run.
 */
export const toJsonBytes = (body: unknown): Buffer => {
  const parts: Buffer[] = [];
  const text = JSON.stringify(body, (_key, value: unknown) => {
    if (typeof value !== 'object' || value === null || !sharedBytes.has(value)) return value;
    let part = sharedBytes.get(value);
    if (part === undefined) {
      part = Buffer.from(JSON.stringify(value));
      sharedBytes.set(value, part);
    }
    parts.push(part);
    return placeholder(parts.length - 1);
  });
  if (parts.length === 0) return Buffer.from(text);
  // split() with a capture group alternates text and captured index: text, index, text, …, text.
  const pieces = text.split(placeholders);
  return Buffer.concat(pieces.map((piece, at) => (at % 2 === 0 ? Buffer.from(piece) : (parts[Number(piece)] ?? Buffer.from('null')))));
};
