/**
 * Ports: the small interfaces the core and the steps need from the outside world. Adapters in
 * adapters/ implement them (S3 or a folder, Glue or DuckDB, Athena or DuckDB, Spotify or the
 * emulator); only handlers and cli/ construct adapters.
 */
import type { IsoDate } from './dates';
import type { PlaylistItemsPage, PlaylistMetadata } from './spotify/codecs';
import type { RequestCounts } from './requests';
import type { TableName, TableRows } from './tables';

/** Object storage keyed by lake keys (core/lake/keys.ts). */
export interface BlobStore {
  /** Writes the object whole: a reader sees the old body or the new one, never a part. */
  put(key: string, body: Uint8Array | string): Promise<void>;
  /** The object's bytes, or undefined when there is no such key. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Every key below `prefix`, sorted ascending. */
  list(prefix: string): Promise<string[]>;
  /** Deletes the keys; a key that does not exist is not an error. */
  delete(keys: readonly string[]): Promise<void>;
}

/** The time of day, injected so that nothing derives a key from the clock by accident. */
export interface Clock {
  now(): Date;
}

/** A Spotify access token and when it stops working. Never logged, never in a state payload. */
export interface AccessToken {
  readonly value: string;
  readonly expiresAt: Date;
}

/** The Spotify app's credentials and, for the Authorization Code grant, the owner's refresh token. */
export interface SpotifyCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken?: string | undefined;
  /** When the refresh token was first seen (at `auth login`, or by the first FetchToken that read it): its age counts from here. */
  readonly refreshTokenFirstSeen?: Date | undefined;
}

/** Where the credentials live: Secrets Manager in AWS, a 0600 file locally. */
export interface CredentialsStore {
  read(): Promise<SpotifyCredentials>;
  /** Keeps a refresh token Spotify rotated, so the next run can still use it, first seen at `firstSeen`. */
  saveRefreshToken(refreshToken: string, firstSeen: Date): Promise<void>;
  /**
   * Records when `refreshToken` was first seen, if it is still the stored one and has no date yet
   * (credentials stored before dates were kept); anything else is left as it is, so a token
   * another run rotated meanwhile is never overwritten by an older one.
   */
  recordRefreshTokenFirstSeen(refreshToken: string, firstSeen: Date): Promise<void>;
}

/** Where FetchToken leaves the access token for the extraction steps (never the state payload). */
export interface TokenCache {
  read(): Promise<AccessToken | undefined>;
  write(token: AccessToken): Promise<void>;
}

/** A token just issued; with the refresh_token grant, also the age of the refresh token it was traded for. */
export interface IssuedToken extends AccessToken {
  /** Whole days since the refresh token was first seen; undefined for the client_credentials grant. */
  readonly refreshTokenAgeDays?: number | undefined;
}

/** Trades the stored credentials for a new access token (refresh_token or client_credentials grant). */
export interface SpotifyAuth {
  fetchAccessToken(): Promise<IssuedToken>;
}

/** A decoded Spotify response together with the exact bytes it was decoded from (kept as raw). */
export interface Fetched<T> {
  readonly body: Uint8Array;
  readonly value: T;
}

/** The two Web API calls extraction makes. Failures are the named errors of core/errors.ts. */
export interface SpotifyApi {
  getPlaylist(playlistId: string): Promise<Fetched<PlaylistMetadata>>;
  /** One page of at most 50 entries from `offset`. */
  getItemsPage(playlistId: string, offset: number, limit: number): Promise<Fetched<PlaylistItemsPage>>;
}

/** Encodes one table's rows as a Parquet file with that table's explicit schema, and reads such a file back. */
export interface TableEncoder {
  encode<T extends TableName>(table: T, rows: TableRows[T]): Uint8Array;
  /**
   * The rows of `playlistIds` in a playlist_items file {@link encode} wrote, each with every column
   * (null where empty): what readers of a published date saw of those playlists. Rejects when the
   * bytes are not such a file.
   */
  decodePlaylistItems(bytes: Uint8Array, playlistIds: readonly string[]): Promise<TableRows['playlist_items']>;
}

/** State of an asynchronous job (a crawl or a query). */
export type JobState = 'running' | 'succeeded' | 'failed';

/** One run's candidate of one date: the partition `snapshot_date=D/run_id=R` of every curated table. */
export interface RunPartition {
  readonly date: IsoDate;
  /** The run's id in lake keys (`runIdOf(executionName)`). */
  readonly runId: string;
}

/** What {@link Catalog.registerPartitions} did: registered every partition, or nothing, for want of a crawl. */
export type Registration = { readonly registered: true } | { readonly registered: false; readonly crawlNeeded: string };

/**
 * The catalog that makes new curated partitions visible: Glue in AWS, the DuckDB catalog locally.
 * A crawl creates or changes the staged tables; once they are as core/tables.ts declares, a run's
 * partitions are registered directly, which costs no crawl.
 */
export interface Catalog {
  /** Starts a crawl; throws CrawlerBusyError when one is already running. */
  startCrawl(): Promise<void>;
  /** The state of the current or last crawl, with the failure message when it failed. */
  crawlStatus(): Promise<{ state: JobState; message?: string | undefined }>;
  /**
   * Registers `partitions` in every staged table when each table exists with the columns
   * core/tables.ts declares; one registered before (a redrive) is no error. Otherwise registers
   * nothing and says which table needs a crawl and why.
   */
  registerPartitions(partitions: readonly RunPartition[]): Promise<Registration>;
}

/** A SQL engine over the catalog: Athena in AWS, DuckDB locally. */
export interface QueryEngine {
  /** Starts a query and returns its id. */
  start(sql: string): Promise<string>;
  status(queryId: string): Promise<{ state: JobState; reason?: string | undefined }>;
  /** All result rows of a succeeded query, values as strings, numbers, booleans or null. */
  results(queryId: string): Promise<Record<string, unknown>[]>;
}

/** Tells operators a run failed: SNS in AWS, the run summary and exit status locally. */
export interface Notifier {
  notify(subject: string, message: string): Promise<void>;
}

/**
 * One writer per date: a run leases each date it writes from ValidateInput until RecordRun or
 * NotifyFailure gives it back, so a second run for a date in use is refused at once. A lease
 * expires (core/leases.ts), so a holder that died without giving it back blocks no one forever.
 * An S3 object written only if absent in AWS; an exclusive lock file in the lake locally.
 */
export interface DateLeases {
  /**
   * Leases every date to `holder` (the execution name), all or none. A date `holder` already
   * holds is leased again with a new expiry (a redrive). Throws DateInUseError naming the
   * holder of the first date that another, live holder has.
   */
  acquire(dates: readonly IsoDate[], holder: string): Promise<void>;
  /** Gives back the leases `holder` holds among `dates`; a date leased to another holder, or to none, is left alone. */
  release(dates: readonly IsoDate[], holder: string): Promise<void>;
}

/**
 * Counts the Spotify requests sent on behalf of one piece of work (a step's invocation), retries
 * included, even when several run at once in one process (the local run): the Spotify clients
 * report each request to it, and it attributes the request to the work it was sent for.
 */
export interface RequestMeter {
  /**
   * Runs `work` and returns its outcome together with the requests sent for it; never throws what
   * `work` threw. `work` is given the counts so far, to store them before a timeout could lose them.
   */
  measure<T>(work: (sofar: () => RequestCounts) => Promise<T>): Promise<{ readonly outcome: PromiseSettledResult<T>; readonly requests: RequestCounts }>;
}

/**
 * Starts the pipeline again later with the inputs that run its dates again: one-time EventBridge
 * Scheduler schedules on AWS. Locally nothing is scheduled: the run's summary prints the commands.
 */
export interface RunRestarts {
  /**
   * Schedules one start of this workflow at `at` per input, each named after the execution that
   * asks and the input's place in `inputs`, so asking twice schedules each once.
   */
  restartAt(restart: { readonly executionName: string; readonly at: Date; readonly inputs: readonly unknown[] }): Promise<void>;
}
