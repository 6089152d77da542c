/**
 * The validation checks of DESIGN §5, written once as one SQL query in the subset that DuckDB
 * (locally) and Athena/Trino (in AWS) both run. A failing check yields rows
 * `(check_name, offending_key, failures)`: up to five offending keys and the total count of
 * offending keys; a passing check yields none.
 */
import * as t from 'io-ts';
import { isIsoDate, type IsoDate } from './dates';
import { decodeOrThrow } from './decode';
import { InvalidStepInputError, QueryFailedError } from './errors';
import type { CheckResult } from './lake/manifest';
import { partitionColumn, runColumn, stagedTableName, tableNames, type TableName } from './tables';

/** The stable names of the checks, in the order they are reported. */
export const checkNames = [
  'items_match_total',
  'positions_dense',
  'songs_resolvable',
  'albums_resolvable',
  'artists_resolvable',
  'dimension_keys_unique',
  'counts_match_manifest',
] as const;

/** The name of a validation check. */
export type CheckName = (typeof checkNames)[number];

/** What the run wrote, to compare the catalog's tables against. */
export interface CheckExpectations {
  /** Rows written per table for the date (the manifest's counts). */
  readonly tables: Record<TableName, number>;
  /** Entries per playlist that rejects cost: they have no playlist_items row but count towards total_items. */
  readonly lostEntriesByPlaylist: Record<string, number>;
}

/** How many offending keys a failing check reports; the count of all of them comes with each. */
export const maxOffendingKeys = 5;

/**
 * A SQL string literal with its single quotes doubled.
 * @example sqlString("it's") // "'it''s'"
 */
export const sqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`;

const sqlCount = (value: number, what: string): string => {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidStepInputError(`${what} must be a whole number of at least 0, got ${String(value)}.`);
  }
  return String(value);
};

// The rows of one date: in Glue the partition column is a string, in DuckDB a DATE.
const dayOf = (table: TableName): string => `day_${table}`;

/** One check's offending keys, distinct, as (check_name, offending_key) rows. */
const offenders = (name: CheckName, key: string, rest: string): string =>
  `SELECT DISTINCT CAST(${sqlString(name)} AS VARCHAR) AS check_name, CAST(${key} AS VARCHAR) AS offending_key ${rest}`;

const dimensionKeys: readonly (readonly [TableName, string])[] = [
  ['playlists', 'playlist_id'],
  ['songs', 'song_id'],
  ['albums', 'album_id'],
  ['artists', 'artist_id'],
];

const lostEntriesOf = (lostEntriesByPlaylist: Record<string, number>): string => {
  const branches = Object.entries(lostEntriesByPlaylist)
    .filter(([, lost]) => lost !== 0)
    .map(([playlistId, lost]) => ` WHEN ${sqlString(playlistId)} THEN ${sqlCount(lost, `the lost entries of ${playlistId}`)}`);
  return branches.length === 0 ? '0' : `CASE p.playlist_id${branches.join('')} ELSE 0 END`;
};

/**
 * The one validation query of a run's candidate for a date: every check of {@link checkNames}, same text for DuckDB and Athena.
 * @example validationSql('2026-11-20', 'local-1', { tables: {...}, lostEntriesByPlaylist: {} }) // 'WITH day_playlists AS (…) SELECT check_name, offending_key, failures FROM …'
 */
export const validationSql = (date: IsoDate, runId: string, expected: CheckExpectations): string => {
  if (!isIsoDate(date)) throw new InvalidStepInputError(`The validation date must be YYYY-MM-DD, got ${JSON.stringify(date)}.`);
  // The candidate of this run, which no reader sees yet: its date and run folder among every run's files.
  const days = tableNames.map(
    (table) =>
      `${dayOf(table)} AS (SELECT * FROM ${stagedTableName(table)} WHERE CAST(${partitionColumn} AS VARCHAR) = ${sqlString(date)} ` +
      `AND ${runColumn} = ${sqlString(runId)})`,
  );
  const checks: Record<CheckName, string[]> = {
    items_match_total: [
      offenders(
        'items_match_total',
        'p.playlist_id',
        `FROM ${dayOf('playlists')} p LEFT JOIN (SELECT playlist_id, COUNT(*) AS items FROM ${dayOf('playlist_items')} GROUP BY playlist_id) i ` +
          `ON i.playlist_id = p.playlist_id WHERE COALESCE(i.items, 0) + ${lostEntriesOf(expected.lostEntriesByPlaylist)} <> p.total_items`,
      ),
    ],
    // Positions are unique and within 0..total_items-1; with items_match_total (rows + lost
    // entries = total_items) that makes them exactly 0..n-1 but for the positions of rejected
    // entries, so a date a reject tolerance lets through is not failed here instead.
    positions_dense: [
      offenders(
        'positions_dense',
        'i.playlist_id',
        `FROM ${dayOf('playlist_items')} i LEFT JOIN ${dayOf('playlists')} p ON p.playlist_id = i.playlist_id ` +
          'GROUP BY i.playlist_id, p.total_items ' +
          'HAVING COUNT(DISTINCT i."position") <> COUNT(*) OR MIN(i."position") < 0 OR MAX(i."position") >= COALESCE(p.total_items, COUNT(*))',
      ),
    ],
    songs_resolvable: [
      offenders(
        'songs_resolvable',
        'i.song_id',
        `FROM ${dayOf('playlist_items')} i LEFT JOIN ${dayOf('songs')} s ON s.song_id = i.song_id ` +
          'WHERE i.song_id IS NOT NULL AND s.song_id IS NULL',
      ),
    ],
    albums_resolvable: [
      offenders(
        'albums_resolvable',
        's.album_id',
        `FROM ${dayOf('songs')} s LEFT JOIN ${dayOf('albums')} a ON a.album_id = s.album_id ` +
          'WHERE s.album_id IS NOT NULL AND a.album_id IS NULL',
      ),
    ],
    artists_resolvable: [
      offenders(
        'artists_resolvable',
        'r.artist_id',
        `FROM (SELECT primary_artist_id AS artist_id FROM ${dayOf('songs')} ` +
          `UNION ALL SELECT artist_id FROM ${dayOf('song_artists')} ` +
          `UNION ALL SELECT artist_id FROM ${dayOf('album_artists')}) r ` +
          `LEFT JOIN ${dayOf('artists')} a ON a.artist_id = r.artist_id WHERE r.artist_id IS NOT NULL AND a.artist_id IS NULL`,
      ),
    ],
    dimension_keys_unique: dimensionKeys.map(([table, key]) =>
      offenders('dimension_keys_unique', `${sqlString(`${table}:`)} || ${key}`, `FROM ${dayOf(table)} GROUP BY ${key} HAVING COUNT(*) > 1`),
    ),
    counts_match_manifest: tableNames.map((table) =>
      offenders(
        'counts_match_manifest',
        sqlString(table),
        `FROM (SELECT COUNT(*) AS n FROM ${dayOf(table)}) c WHERE c.n <> ${sqlCount(expected.tables[table], `the expected row count of ${table}`)}`,
      ),
    ),
  };
  const failures = checkNames.flatMap((name) => checks[name]).join('\nUNION ALL\n');
  return [
    `WITH ${days.join(',\n')},`,
    `failures AS (\n${failures}\n),`,
    'ranked AS (SELECT check_name, offending_key, COUNT(*) OVER (PARTITION BY check_name) AS failures,',
    '  ROW_NUMBER() OVER (PARTITION BY check_name ORDER BY offending_key) AS rank_in_check FROM failures)',
    `SELECT check_name, offending_key, failures FROM ranked WHERE rank_in_check <= ${String(maxOffendingKeys)}`,
    'ORDER BY check_name, offending_key',
  ].join('\n');
};

/** One result row of the validation query; Athena returns every value as text, DuckDB counts as numbers. */
const ValidationRow = t.type({
  check_name: t.string,
  offending_key: t.union([t.string, t.null]),
  failures: t.union([t.number, t.string]),
});

/**
 * The result of every check from the rows of {@link validationSql}: passed when it had no rows.
 * @example evaluateChecks([{ check_name: 'songs_resolvable', offending_key: 's9', failures: 1 }])
 * // [{ name: 'items_match_total', passed: true, count: 0, offending: [] }, …, { name: 'songs_resolvable', passed: false, count: 1, offending: ['s9'] }, …]
 */
export const evaluateChecks = (rows: readonly Record<string, unknown>[]): CheckResult[] => {
  const decoded = decodeOrThrow(
    t.array(ValidationRow),
    rows,
    (problems) => new QueryFailedError(`The validation query returned rows of an unexpected shape: ${problems.join('; ')}`),
  );
  return checkNames.map((name) => {
    const mine = decoded.filter((row) => row.check_name === name);
    const count = mine.reduce((most, row) => Math.max(most, Number(row.failures)), 0);
    return {
      name,
      passed: mine.length === 0,
      count,
      offending: mine.map((row) => row.offending_key ?? 'null'),
    };
  });
};
