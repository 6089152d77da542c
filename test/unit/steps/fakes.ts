/**
 * Hand-written in-memory fakes of the ports, and small Spotify bodies to feed them: step tests
 * run `runX(fakes)(input)` with no file system, network or SDK.
 */
import { decodeOrThrow } from '../../../core/decode';
import { CrawlerBusyError, SpotifyRateLimitedError } from '../../../core/errors';
import { acquireAll, dateInUse, newLease } from '../../../core/leases';
import type { BlobStore, Catalog, Clock, DateLeases, Fetched, JobState, Notifier, QueryEngine, Registration, RunPartition, RunRestarts, SpotifyApi, TableEncoder } from '../../../core/ports';
import { PlaylistItemsPage, PlaylistMetadata } from '../../../core/spotify/codecs';
import type { TableName, TableRows } from '../../../core/tables';

/** A BlobStore in a Map; `puts` records every write in order. */
export class MemoryBlobStore implements BlobStore {
  public readonly objects = new Map<string, Uint8Array>();
  public readonly puts: string[] = [];

  public async put(key: string, body: Uint8Array | string): Promise<void> {
    this.objects.set(key, typeof body === 'string' ? new TextEncoder().encode(body) : body);
    this.puts.push(key);
  }

  public async get(key: string): Promise<Uint8Array | undefined> {
    return this.objects.get(key);
  }

  public async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  public async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.objects.delete(key);
  }

  /** The object's text, or undefined. */
  public text(key: string): string | undefined {
    const body = this.objects.get(key);
    return body === undefined ? undefined : new TextDecoder().decode(body);
  }

  /** The object parsed as JSON. */
  public json(key: string): unknown {
    const text = this.text(key);
    if (text === undefined) throw new Error(`no object at ${key}`);
    return JSON.parse(text);
  }
}

/** Date leases in a Map of date to holder, refusing a date another holder has, as the adapters do. */
export class MemoryDateLeases implements DateLeases {
  public readonly holders = new Map<string, string>();

  public async acquire(dates: readonly string[], holder: string): Promise<void> {
    await acquireAll(
      dates,
      async (date) => {
        const current = this.holders.get(date);
        if (current !== undefined && current !== holder) throw dateInUse(date, newLease(current, new Date('2026-11-20T09:00:00Z')), 'wait for it');
        this.holders.set(date, holder);
      },
      async (date) => this.release([date], holder),
    );
  }

  public async release(dates: readonly string[], holder: string): Promise<void> {
    for (const date of dates) if (this.holders.get(date) === holder) this.holders.delete(date);
  }
}

/** A clock that says what it is told. */
export const fixedClock = (iso: string): Clock & { set(next: string): void } => {
  let now = new Date(iso);
  return { now: () => now, set: (next) => (now = new Date(next)) };
};

/** A track entry at `n`, unique per playlist and position. */
export const trackEntry = (playlistId: string, n: number): unknown => ({
  added_at: '2026-11-01T10:00:00Z',
  added_by: { id: 'owner' },
  track: {
    type: 'track',
    id: `t${playlistId.slice(0, 10)}${String(n).padStart(11, '0')}`,
    name: `Song ${n}`,
    duration_ms: 180_000 + n,
    explicit: false,
    disc_number: 1,
    track_number: 1 + (n % 12),
    uri: `spotify:track:t${n}`,
    external_ids: { isrc: `XX${String(n).padStart(10, '0')}` },
    album: { id: `album${n % 3}`, name: `Album ${n % 3}`, album_type: 'album', release_date: '2020-05-01', release_date_precision: 'day', total_tracks: 12, artists: [{ id: 'artistA', name: 'A' }] },
    artists: [{ id: 'artistA', name: 'A' }, ...(n % 2 === 0 ? [{ id: 'artistB', name: 'B' }] : [])],
  },
});

/** A playlist object as Spotify returns it with `fields`, its entry count in `items.total`. */
export const playlistBody = (id: string, total: number, snapshot = 'snap-1'): unknown => ({
  id,
  name: `Playlist ${id}`,
  description: null,
  public: true,
  collaborative: false,
  snapshot_id: snapshot,
  owner: { id: 'owner', display_name: 'Owner' },
  items: { total },
});

/** One page of a playlist's items. */
export const pageBody = (id: string, offset: number, limit: number, total: number): unknown => ({
  href: `https://api.spotify.com/v1/playlists/${id}/items?offset=${offset}&limit=${limit}`,
  offset,
  limit,
  total,
  next: offset + limit < total ? `https://api.spotify.com/v1/playlists/${id}/items?offset=${offset + limit}&limit=${limit}` : null,
  previous: null,
  items: Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => trackEntry(id, offset + i)),
});

/**
 * A SpotifyApi serving synthetic playlists. Bodies are indented (as Spotify's are not) so a test
 * can tell a stored body from a re-serialised one. `rateLimitOnce` answers the first request for
 * that offset with a 429.
 */
export class FakeSpotify implements SpotifyApi {
  public readonly requests: string[] = [];
  private readonly limited = new Set<number>();

  public constructor(
    private readonly totals: Record<string, number>,
    private readonly options: { rateLimitOnce?: { offset: number; seconds: number } } = {},
  ) {}

  public async getPlaylist(playlistId: string): Promise<Fetched<PlaylistMetadata>> {
    this.requests.push(`playlist ${playlistId}`);
    const total = this.totals[playlistId];
    if (total === undefined) throw new Error(`the fake serves no playlist ${playlistId}`);
    return this.fetched(PlaylistMetadata, playlistBody(playlistId, total));
  }

  public async getItemsPage(playlistId: string, offset: number, limit: number): Promise<Fetched<PlaylistItemsPage>> {
    this.requests.push(`items ${playlistId} ${offset}`);
    const limit429 = this.options.rateLimitOnce;
    if (limit429 && limit429.offset === offset && !this.limited.has(offset)) {
      this.limited.add(offset);
      throw new SpotifyRateLimitedError(`429 with Retry-After ${limit429.seconds}`, limit429.seconds);
    }
    return this.fetched(PlaylistItemsPage, pageBody(playlistId, offset, limit, this.totals[playlistId] ?? 0));
  }

  private fetched<C extends typeof PlaylistMetadata | typeof PlaylistItemsPage>(codec: C, json: unknown) {
    const text = JSON.stringify(json, null, 1);
    return { body: new TextEncoder().encode(text), value: decodeOrThrow(codec, JSON.parse(text), (p) => new Error(p.join('; '))) };
  }
}

/** A TableEncoder that writes the rows as JSON, so a test can read back what was encoded. */
export class JsonTableEncoder implements TableEncoder {
  public encode<T extends TableName>(_table: T, rows: TableRows[T]): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(rows));
  }

  public async decodePlaylistItems(bytes: Uint8Array, playlistIds: readonly string[]): Promise<TableRows['playlist_items']> {
    const rows = JSON.parse(new TextDecoder().decode(bytes)) as (TableRows['playlist_items'][number] & { added_at: string | null })[];
    return rows.filter((row) => playlistIds.includes(row.playlist_id)).map((row) => ({ ...row, added_at: row.added_at === null ? null : new Date(row.added_at) }));
  }
}

/**
 * A crawler whose states are scripted, one per status call; `busy` rejects that many starts.
 * Its staged tables need a crawl until `tablesCatalogued` is set; it records each registration.
 */
export class ScriptedCatalog implements Catalog {
  public starts = 0;
  public tablesCatalogued = false;
  public readonly registrations: (readonly RunPartition[])[] = [];

  public constructor(
    private readonly states: { state: JobState; message?: string }[],
    private busy = 0,
  ) {}

  public async startCrawl(): Promise<void> {
    this.starts += 1;
    if (this.busy > 0) {
      this.busy -= 1;
      throw new CrawlerBusyError('the crawler is already running');
    }
  }

  public async crawlStatus(): Promise<{ state: JobState; message?: string }> {
    return this.states.shift() ?? { state: 'succeeded' };
  }

  public async registerPartitions(partitions: readonly RunPartition[]): Promise<Registration> {
    if (!this.tablesCatalogued) return { registered: false, crawlNeeded: 'staged_songs is not catalogued yet' };
    this.registrations.push(partitions);
    return { registered: true };
  }
}

/** A query engine that records the SQL it was given and answers with scripted rows and states. */
export class ScriptedQueries implements QueryEngine {
  public readonly started: string[] = [];

  public constructor(
    private readonly rows: Record<string, unknown>[] = [],
    private readonly states: { state: JobState; reason?: string }[] = [],
  ) {}

  public async start(sql: string): Promise<string> {
    this.started.push(sql);
    return `query-${this.started.length}`;
  }

  public async status(): Promise<{ state: JobState; reason?: string }> {
    return this.states.shift() ?? { state: 'succeeded' };
  }

  public async results(): Promise<Record<string, unknown>[]> {
    return this.rows;
  }
}

/** A notifier that keeps what it was told. */
export class RecordingNotifier implements Notifier {
  public readonly sent: { subject: string; message: string }[] = [];

  public async notify(subject: string, message: string): Promise<void> {
    this.sent.push({ subject, message });
  }
}

/** Restarts that are kept, not scheduled. */
export class RecordingRestarts implements RunRestarts {
  public readonly scheduled: { executionName: string; at: string; inputs: readonly unknown[] }[] = [];

  public async restartAt(restart: { executionName: string; at: Date; inputs: readonly unknown[] }): Promise<void> {
    this.scheduled.push({ ...restart, at: restart.at.toISOString() });
  }
}
