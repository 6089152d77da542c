/**
 * The report's data queries: plain SQL over the published tables that DuckDB (locally) and
 * Trino (Athena) both accept, so the same text serves `spotify-etl report` and a report built
 * from Athena. `snapshot_date` is compared as text (a DATE in DuckDB, a string partition in
 * Glue); shares are computed by the caller from counts, since the two engines type decimal
 * division differently.
 */
import { sqlString } from '../checks';
import type { IsoDate } from '../dates';

/** The dates a report covers; either end may be open. */
export interface ReportRange {
  readonly from?: IsoDate | undefined;
  readonly to?: IsoDate | undefined;
}

/** How many artists the top-artists chart shows. */
export const topArtistCount = 15;

const onDate = (alias: string, date: IsoDate): string => `CAST(${alias}.snapshot_date AS VARCHAR) = ${sqlString(date)}`;

/**
 * `table`'s rows of `date` as `alias`, to join with others of the same date by their ids alone.
 * Joining the tables on `snapshot_date` instead says that every pair of them shares the column,
 * and DuckDB, which has no statistics for a partition column, may then join two tables that meet
 * only through it first: within one date that is every row of one times every row of the other
 * (playlists × songs: 26 million rows and 5 GiB at 10,000 playlists of 10, docs/performance.md).
 */
export const tableOnDate = (table: string, alias: string, date: IsoDate): string =>
  `(SELECT * FROM ${table} ${alias} WHERE ${onDate(alias, date)}) ${alias}`;

const inRange = (alias: string, range: ReportRange): string => {
  const column = `CAST(${alias}.snapshot_date AS VARCHAR)`;
  const bounds = [
    ...(range.from === undefined ? [] : [`${column} >= ${sqlString(range.from)}`]),
    ...(range.to === undefined ? [] : [`${column} <= ${sqlString(range.to)}`]),
  ];
  return bounds.length === 0 ? '1 = 1' : bounds.join(' AND ');
};

/** Entries per playlist and date: `snapshot_date, playlist_id, name, entries`. */
export const playlistSizesSql = (range: ReportRange): string =>
  [
    'SELECT CAST(p.snapshot_date AS VARCHAR) AS snapshot_date, p.playlist_id, p.name, p.total_items AS entries',
    'FROM playlists p',
    `WHERE ${inRange('p', range)}`,
    'ORDER BY snapshot_date, p.playlist_id',
  ].join('\n');

/** Entries added and removed per date (the history's table): `snapshot_date, change, entries`. */
export const playlistChangesSql = (range: ReportRange): string =>
  [
    'SELECT CAST(c.snapshot_date AS VARCHAR) AS snapshot_date, c.change, SUM(c.occurrences) AS entries',
    'FROM playlist_changes c',
    `WHERE ${inRange('c', range)}`,
    'GROUP BY CAST(c.snapshot_date AS VARCHAR), c.change',
    'ORDER BY snapshot_date, c.change',
  ].join('\n');

/**
 * The most credited artists on `date`: `artist_id, artist, entries` (entries crediting them) and
 * `playlists` (how many playlists hold one), with `all_entries` and `all_playlists` of the date
 * (track entries, and playlists with any) to compute their share.
 */
export const topArtistsSql = (date: IsoDate): string =>
  [
    'WITH credited AS (',
    '  SELECT i.playlist_id, sa.artist_id',
    `  FROM ${tableOnDate('playlist_items', 'i', date)}`,
    `  JOIN ${tableOnDate('song_artists', 'sa', date)} ON sa.song_id = i.song_id`,
    '), totals AS (',
    '  SELECT COUNT(*) AS all_entries, COUNT(DISTINCT i.playlist_id) AS all_playlists',
    '  FROM playlist_items i',
    `  WHERE ${onDate('i', date)} AND i.item_type = 'track'`,
    ')',
    'SELECT a.artist_id, a.name AS artist, COUNT(*) AS entries, COUNT(DISTINCT c.playlist_id) AS playlists,',
    '  MAX(t.all_entries) AS all_entries, MAX(t.all_playlists) AS all_playlists',
    'FROM credited c',
    `JOIN ${tableOnDate('artists', 'a', date)} ON a.artist_id = c.artist_id`,
    'CROSS JOIN totals t',
    'GROUP BY a.artist_id, a.name',
    'ORDER BY entries DESC, artist, a.artist_id',
    `LIMIT ${topArtistCount}`,
  ].join('\n');

/** Track entries on `date` by their album's release year: `release_year, entries` (years unknown left out). */
export const releaseYearsSql = (date: IsoDate): string =>
  [
    'SELECT al.release_year, COUNT(*) AS entries',
    `FROM ${tableOnDate('playlist_items', 'i', date)}`,
    `JOIN ${tableOnDate('songs', 's', date)} ON s.song_id = i.song_id`,
    `JOIN ${tableOnDate('albums', 'al', date)} ON al.album_id = s.album_id`,
    'WHERE al.release_year IS NOT NULL',
    'GROUP BY al.release_year',
    'ORDER BY al.release_year',
  ].join('\n');

/** Explicit and all track entries per playlist on `date`: `playlist_id, name, explicit_entries, track_entries`. */
export const explicitShareSql = (date: IsoDate): string =>
  [
    'SELECT p.playlist_id, p.name,',
    '  SUM(CASE WHEN s.explicit THEN 1 ELSE 0 END) AS explicit_entries, COUNT(*) AS track_entries',
    `FROM ${tableOnDate('playlist_items', 'i', date)}`,
    `JOIN ${tableOnDate('songs', 's', date)} ON s.song_id = i.song_id`,
    `JOIN ${tableOnDate('playlists', 'p', date)} ON p.playlist_id = i.playlist_id`,
    'GROUP BY p.playlist_id, p.name',
    'ORDER BY p.name, p.playlist_id',
  ].join('\n');
