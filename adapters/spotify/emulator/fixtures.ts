/**
 * A catalog of recorded Spotify responses (`--fixtures DIR`): every `*.json` below
 * DIR that is a playlist object (with an embedded `items`/`tracks` page) or a playlist-items
 * page (its `href` names the playlist). Entries of one playlist are merged by offset and served
 * as recorded; `total` is the number of entries held. A recording of another Spotify response is
 * skipped quietly ({@link isOtherSpotifyResponse}); anything else is skipped with a warning.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { InvalidInputError } from '../../../core/errors';
import type { EmulatedCatalog, EmulatedPlaylist, PageKey } from './catalog';
import { hash32 } from './random';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The playlist id and endpoint a page's `href` names, e.g. `…/playlists/ID/items?offset=0`. */
const pageHref = (href: unknown): { playlistId: string; key: PageKey } | undefined => {
  if (typeof href !== 'string') return undefined;
  const match = /\/playlists\/([^/?#]+)\/(items|tracks)(?:[?#]|$)/.exec(href);
  return match?.[1] && match[2] ? { playlistId: decodeURIComponent(match[1]), key: match[2] as PageKey } : undefined;
};

/** A paging object of playlist entries: `items` array and a numeric `offset`. */
const isPage = (value: unknown): value is Json & { items: unknown[] } =>
  isObject(value) && Array.isArray(value.items) && (value.offset === undefined || typeof value.offset === 'number');

const isPlaylistObject = (value: Json): boolean =>
  typeof value.id === 'string' &&
  (value.type === 'playlist' || (typeof value.snapshot_id === 'string' && isObject(value.owner))) &&
  (isPage(value.items) || isPage(value.tracks));

/** Spotify object types besides a playlist: the bodies of GET /albums/{id}, /artists/{id}, /tracks/{id}, … */
const otherObjectTypes = new Set(['album', 'artist', 'track', 'episode', 'show', 'audiobook', 'chapter', 'user']);

const isApiUrl = (url: unknown): url is string => typeof url === 'string' && url.startsWith('https://api.spotify.com/v1/');

/** A Web API URL of anything but a playlist (an album, its tracks, a search). */
const otherApiUrl = (url: unknown): boolean => isApiUrl(url) && !url.includes('/playlists/');

/**
 * A recorded Spotify response that is not a playlist's: an error body, another endpoint's object
 * or page, a search result, or a recording's response headers. A folder recorded from a whole
 * session holds them beside the playlists (test/fixtures/spotify/real has 11): they are not served,
 * and a warning for each would bury the one about a file that is none of these. A playlist object
 * or page that does not decode names a playlist, so it is never taken for one of these.
 */
const isOtherSpotifyResponse = (json: Json): boolean =>
  (isObject(json.error) && typeof json.error.status === 'number') ||
  (typeof json.type === 'string' && otherObjectTypes.has(json.type) && otherApiUrl(json.href)) ||
  (isPage(json) && otherApiUrl(json.href)) ||
  (Object.keys(json).length > 0 && Object.values(json).every((value) => isPage(value) && otherApiUrl(value.href))) ||
  (isApiUrl(json.request_uri) && isObject(json.response_headers));

const listJsonFiles = async (dir: string): Promise<string[]> => {
  const found: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && entry.name.endsWith('.json')) found.push(path);
    }
  };
  await walk(dir);
  return found;
};

interface Gathered {
  metadata?: Json;
  /** Keys of the recorded playlist object, or of the pages when there is none. */
  keys: Set<PageKey>;
  entries: Map<number, unknown>;
}

/** Whether recorded entries use the new `item`, the legacy `track`, or both. */
const keysOfEntries = (entries: Iterable<unknown>): Set<PageKey> => {
  const keys = new Set<PageKey>();
  for (const entry of entries) {
    if (isObject(entry) && 'item' in entry) keys.add('items');
    if (isObject(entry) && 'track' in entry) keys.add('tracks');
  }
  return keys.size === 0 ? new Set(['items']) : keys;
};

/**
 * The largest file read as a recorded response. A playlist object holds at most 100 entries and
 * an items page at most 50, a few hundred kB even with every field: a file far past this is no
 * recorded answer, and reading it whole would exhaust memory (or exceed a string's length).
 */
export const maxFixtureBytes = 64 * 1024 * 1024;

/** Reads DIR into a catalog; throws InvalidInputError when DIR is missing or holds no playlist. */
export const fixturesCatalog = async (dir: string): Promise<EmulatedCatalog> => {
  let files: string[];
  try {
    files = await listJsonFiles(dir);
  } catch {
    throw new InvalidInputError(`--fixtures ${dir}: no such folder. Give a folder holding recorded Spotify playlist objects or playlist-items pages (*.json).`);
  }
  const warnings: string[] = [];
  const gathered = new Map<string, Gathered>();
  const gather = (playlistId: string): Gathered => {
    let found = gathered.get(playlistId);
    if (!found) {
      found = { keys: new Set(), entries: new Map() };
      gathered.set(playlistId, found);
    }
    return found;
  };
  const addPage = (into: Gathered, page: Json & { items: unknown[] }): void => {
    const offset = typeof page.offset === 'number' ? page.offset : 0;
    page.items.forEach((entry, index) => {
      if (!into.entries.has(offset + index)) into.entries.set(offset + index, entry);
    });
  };

  for (const file of files) {
    const name = relative(dir, file);
    const { size } = await stat(file);
    if (size > maxFixtureBytes) {
      throw new InvalidInputError(
        `--fixtures: ${file} is ${Math.round(size / 2 ** 20)} MiB, over the ${maxFixtureBytes / 2 ** 20} MiB limit of a recorded Spotify response (a playlist or items page is a few hundred kB); move it out of ${dir}`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch {
      warnings.push(`${name}: ignored, not valid JSON`);
      continue;
    }
    if (isObject(json) && isPlaylistObject(json)) {
      const into = gather(json.id as string);
      const { items, tracks, ...metadata } = json;
      into.metadata ??= metadata;
      for (const [key, page] of [['items', items], ['tracks', tracks]] as const) {
        if (isPage(page)) {
          into.keys.add(key);
          addPage(into, page);
        }
      }
      continue;
    }
    const href = isObject(json) ? pageHref(json.href) : undefined;
    if (href && isPage(json)) {
      addPage(gather(href.playlistId), json);
      continue;
    }
    if (isObject(json) && isOtherSpotifyResponse(json)) continue;
    warnings.push(`${name}: ignored, neither a playlist object nor a playlist-items page`);
  }
  if (gathered.size === 0) {
    throw new InvalidInputError(
      `--fixtures ${dir}: no playlist object or playlist-items page among ${files.length} JSON file(s). Record them from GET /v1/playlists/{id} or /v1/playlists/{id}/items.`,
    );
  }

  const playlists = [...gathered].map(([id, found]): EmulatedPlaylist => {
    // Gaps between recorded pages close up: the emulator serves the entries it holds, in order.
    const entries = [...found.entries].sort(([a], [b]) => a - b).map(([, entry]) => entry);
    const pageKeys = found.keys.size > 0 ? [...found.keys] : [...keysOfEntries(entries)];
    // Contents decide the id, as on Spotify: a fixture without one gets an id derived from its entries,
    // so fixtures of two dates with different entries never pass for the same snapshot.
    const derivedSnapshotId = `fixture-${hash32(JSON.stringify(entries)).toString(36)}`;
    const recorded = found.metadata && (typeof found.metadata.snapshot_id === 'string' ? found.metadata : { ...found.metadata, snapshot_id: derivedSnapshotId });
    const metadata = recorded ?? {
      collaborative: false,
      description: null,
      id,
      name: id,
      owner: { display_name: null, id: 'unknown', type: 'user', uri: 'spotify:user:unknown' },
      public: null,
      snapshot_id: derivedSnapshotId,
      type: 'playlist',
      uri: `spotify:playlist:${id}`,
    };
    return {
      id,
      readable: true,
      metadata,
      pageKeys,
      total: entries.length,
      entries: (offset, limit) => entries.slice(offset, offset + limit),
    };
  });
  return {
    playlists: new Map(playlists.map((playlist) => [playlist.id, playlist])),
    readableIds: playlists.map((playlist) => playlist.id),
    warnings,
  };
};
