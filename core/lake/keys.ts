/**
 * Lake keys (DESIGN §4): pure functions of the logical date and ids, never of the clock, so a
 * rerun of a date writes the same keys and overwrites instead of duplicating.
 */
import type { IsoDate } from '../dates';
import type { TableName } from '../tables';

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** `raw/playlists/snapshot_date=D/` — every playlist's metadata of a date lies below it. */
export const rawPlaylistsPrefix = (date: IsoDate): string => `raw/playlists/snapshot_date=${date}/`;

/**
 * The playlist metadata as Spotify returned it, landed only once every page of the playlist has
 * (by ExtractItems, or a carry-over's copy last): a date's playlist.json so stands for complete
 * pages, and a read that failed or was killed part way leaves pages without one.
 * @example rawPlaylistKey('2026-11-20', 'abc') // 'raw/playlists/snapshot_date=2026-11-20/playlist_id=abc/playlist.json'
 */
export const rawPlaylistKey = (date: IsoDate, playlistId: string): string =>
  `${rawPlaylistsPrefix(date)}playlist_id=${playlistId}/playlist.json`;

/** Whether a key of a listing of {@link rawPlaylistsPrefix} is a playlist's playlist.json, a complete read of it. */
export const isRawPlaylistKey = (key: string): boolean => key.endsWith('/playlist.json');

/** `raw/playlist_items/snapshot_date=D/` — the item pages of every playlist of a date. */
export const rawItemsDatePrefix = (date: IsoDate): string => `raw/playlist_items/snapshot_date=${date}/`;

/** `raw/playlist_items/snapshot_date=D/playlist_id=P/` — the item pages of one playlist. */
export const rawItemsPrefix = (date: IsoDate, playlistId: string): string =>
  `${rawItemsDatePrefix(date)}playlist_id=${playlistId}/`;

/**
 * One page of playlist items as Spotify returned it, named by its offset.
 * @example rawItemsPageKey('2026-11-20', 'abc', 50) // 'raw/playlist_items/snapshot_date=2026-11-20/playlist_id=abc/page-000050.json'
 */
export const rawItemsPageKey = (date: IsoDate, playlistId: string, offset: number): string =>
  `${rawItemsPrefix(date, playlistId)}page-${pad(offset, 6)}.json`;

/** The playlist id in a raw key, or undefined when the key has none. */
export const playlistIdOfKey = (key: string): string | undefined => /\/playlist_id=([^/]+)\//.exec(key)?.[1];

/** The page offset in a raw page key, or undefined when the key is not a page. */
export const offsetOfPageKey = (key: string): number | undefined => {
  const match = /\/page-(\d{6})\.json$/.exec(key);
  return match?.[1] === undefined ? undefined : Number(match[1]);
};

/** `raw/requests/`: the Spotify requests each step invocation of a run sent (core/requests.ts). */
export const requestsPrefix = 'raw/requests/';

/** `raw/requests/run_id=R/`: every request count of one run, of all its dates and attempts (a redrive keeps the run id). */
export const runRequestsPrefix = (executionName: string): string => `${requestsPrefix}run_id=${runIdOf(executionName)}/`;

/** `raw/requests/run_id=R/snapshot_date=D/`: the request counts of a run's playlists of a date. */
export const dateRequestsPrefix = (executionName: string, date: IsoDate): string => `${runRequestsPrefix(executionName)}snapshot_date=${date}/`;

/**
 * Where one invocation of a playlist's step stores its requests; core/requests.ts appends the invocation's id and counts.
 * @example playlistRequestsStem('manual-1', '2026-11-20', 'ExtractItems', 'abc') // 'raw/requests/run_id=manual-1/snapshot_date=2026-11-20/ExtractItems.abc'
 */
export const playlistRequestsStem = (executionName: string, date: IsoDate, stateName: string, playlistId: string): string =>
  `${dateRequestsPrefix(executionName, date)}${stateName}.${playlistId}`;

/**
 * Where an invocation of a step of the run as a whole (FetchToken) stores its requests, counted on the run's first date.
 * @example executionRequestsStem('manual-1', 'FetchToken') // 'raw/requests/run_id=manual-1/execution/FetchToken'
 */
export const executionRequestsStem = (executionName: string, stateName: string): string => `${executionRequestsPrefix(executionName)}${stateName}`;

/** `raw/requests/run_id=R/execution/`: the request counts of the run's steps that serve all its dates (FetchToken). */
export const executionRequestsPrefix = (executionName: string): string => `${runRequestsPrefix(executionName)}execution/`;

/** `curated/T/` — the folder a catalog table is registered over. */
export const curatedTablePrefix = (table: TableName): string => `curated/${table}/`;

/** `curated/T/snapshot_date=D/` — one partition of one table. */
export const curatedPartitionPrefix = (table: TableName, date: IsoDate): string =>
  `${curatedTablePrefix(table)}snapshot_date=${date}/`;

/** FNV-1a over the name's UTF-16 code units, as 8 hex digits: tells apart names, guards nothing. */
const fnv1a = (text: string): string => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
};

/**
 * A run's id in lake keys: its execution name, with anything a Hive folder name or an S3 key
 * should not hold (`=`, `/`, spaces, and `+`, `@` or `(` that Step Functions accepts) replaced,
 * so the folder parses as one `run_id=` partition. A name that needed a replacement also gets the
 * hash of the name as given: `run+1` and `run_1` must not share a folder, or the second run of a
 * date would write its candidate over the first one's published files.
 * @example runIdOf('manual-2026-11-20-rerun1') // 'manual-2026-11-20-rerun1'
 * @example runIdOf('rerun+1') // 'rerun_1-' followed by 8 hex digits
 */
export const runIdOf = (executionName: string): string => {
  const safe = executionName.replace(/[^A-Za-z0-9_.-]/g, '_');
  return safe === executionName ? safe : `${safe}-${fnv1a(executionName)}`;
};

/**
 * `curated/T/snapshot_date=D/run_id=R/`: one run's candidate files for one table and date. Runs
 * never share a folder, so a run writing its candidate cannot touch what readers see; the date's
 * manifest says which run is published.
 */
export const curatedRunPrefix = (table: TableName, date: IsoDate, runId: string): string =>
  `${curatedPartitionPrefix(table, date)}run_id=${runId}/`;

/**
 * One Parquet part of a run's partition.
 * @example curatedPartKey('songs', '2026-11-20', 'local-1', 0) // 'curated/songs/snapshot_date=2026-11-20/run_id=local-1/part-00000.parquet'
 */
export const curatedPartKey = (table: TableName, date: IsoDate, runId: string, part: number): string =>
  `${curatedRunPrefix(table, date, runId)}part-${pad(part, 5)}.parquet`;

/** `runs/`: every date's manifest lies below it. */
export const runManifestsPrefix = 'runs/';

/** The run manifest of a date: counts, rejects, checks and status. */
export const runManifestKey = (date: IsoDate): string => `runs/snapshot_date=${date}/manifest.json`;

/**
 * The prefix of every manifest of a calendar year's dates: one listing names at most 366 keys.
 * @example runManifestsOfYearPrefix('2026') // 'runs/snapshot_date=2026'
 */
export const runManifestsOfYearPrefix = (year: string): string => `${runManifestsPrefix}snapshot_date=${year}`;

/** The date of a manifest key, or undefined when the key is not one. */
export const dateOfManifestKey = (key: string): IsoDate | undefined => /^runs\/snapshot_date=([^/]+)\/manifest\.json$/.exec(key)?.[1];

/** `leases/` — the lease of each date a run is writing (core/leases.ts); never crawled or queried. */
export const leasesPrefix = 'leases/';

/**
 * The lease of a date in the bucket: who is writing it and until when.
 * @example leaseKey('2026-11-20') // 'leases/snapshot_date=2026-11-20.json'
 */
export const leaseKey = (date: IsoDate): string => `${leasesPrefix}snapshot_date=${date}.json`;

/** `reports/` — the HTML report drawn after each run (WriteReport); never crawled or queried. */
export const reportsPrefix = 'reports/';

/** The report of the lake after its latest run: what `spotify-etl report` and `remote report` open. */
export const latestReportKey = `${reportsPrefix}latest.html`;

/**
 * The report as of a date, kept after the run that published it.
 * @example datedReportKey('2026-11-20') // 'reports/snapshot_date=2026-11-20/index.html'
 */
export const datedReportKey = (date: IsoDate): string => `${reportsPrefix}snapshot_date=${date}/index.html`;
