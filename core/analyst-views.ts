/**
 * Views for analysts over the published tables: `playlist_tracks`, `latest_playlist_tracks` and
 * `playlist_history`, the same locally (DuckDB temp views) and on AWS (Glue VIRTUAL_VIEWs that
 * Athena runs). The SQL is written once, in Trino's dialect, restricted to what DuckDB also runs;
 * the one function DuckDB lacks, `array_join`, it gets as a macro ({@link duckDbShims}). Every
 * statement is parsed with a Trino grammar in the tests, so a DuckDB-only construct fails offline.
 * Columns are cast to their declared types: a Glue view whose SQL yields other types is "stale" to Athena.
 */

/** One column of a view, in Glue (Hive) and in Trino. */
export interface ViewColumn {
  readonly name: string;
  readonly hive: string;
  readonly trino: string;
}

/** An analyst view: its name, columns, what it is for, and its SQL with each relation named by `from`. */
export interface AnalystView {
  readonly name: string;
  readonly doc: string;
  readonly columns: readonly ViewColumn[];
  readonly sql: (from: (relation: string) => string) => string;
}

const varchar = (name: string): ViewColumn => ({ name, hive: 'string', trino: 'varchar' });
const integer = (name: string): ViewColumn => ({ name, hive: 'int', trino: 'integer' });
const bigint = (name: string): ViewColumn => ({ name, hive: 'bigint', trino: 'bigint' });
const timestamp = (name: string): ViewColumn => ({ name, hive: 'timestamp', trino: 'timestamp(3)' });

const trackColumns: readonly ViewColumn[] = [
  varchar('snapshot_date'),
  varchar('playlist_id'),
  varchar('playlist_name'),
  integer('position'),
  varchar('item_type'),
  varchar('item_id'),
  varchar('song_name'),
  varchar('album_name'),
  integer('release_year'),
  varchar('artist_names'),
  varchar('primary_artist_name'),
  timestamp('added_at'),
];

/**
 * One row per entry: the song's names joined in, artists in credit order as one string. With
 * `latestOnly`, only the entries of each playlist's latest date, chosen before anything is joined
 * or grouped: filtering the view of every date afterwards built all of it first (2.5 s for a
 * count on a lake of 395 dates).
 */
const playlistTracksSql = (from: (relation: string) => string, latestOnly = false): string =>
  [
    ...(latestOnly
      ? [
          `WITH latest AS (SELECT playlist_id, MAX(snapshot_date) AS snapshot_date FROM ${from('playlists')} GROUP BY playlist_id),`,
          'entries AS (',
          `  SELECT i.* FROM ${from('playlist_items')} i JOIN latest l ON l.playlist_id = i.playlist_id AND l.snapshot_date = i.snapshot_date`,
          '),',
          'credits AS (',
        ]
      : ['WITH credits AS (']),
    `  SELECT sa.snapshot_date, sa.song_id, array_join(array_agg(a.name ORDER BY sa.artist_position), ', ') AS artist_names`,
    `  FROM ${from('song_artists')} sa JOIN ${from('artists')} a ON a.artist_id = sa.artist_id AND a.snapshot_date = sa.snapshot_date`,
    ...(latestOnly ? ['  WHERE sa.snapshot_date IN (SELECT snapshot_date FROM latest)'] : []),
    '  GROUP BY sa.snapshot_date, sa.song_id',
    ')',
    'SELECT CAST(i.snapshot_date AS VARCHAR) AS snapshot_date, i.playlist_id, p.name AS playlist_name, i.position, i.item_type,',
    '  COALESCE(i.song_id, i.episode_id, i.local_uri) AS item_id, s.name AS song_name, al.name AS album_name, al.release_year,',
    '  c.artist_names, pa.name AS primary_artist_name, CAST(i.added_at AS TIMESTAMP(3)) AS added_at',
    `FROM ${latestOnly ? 'entries' : from('playlist_items')} i`,
    `JOIN ${from('playlists')} p ON p.playlist_id = i.playlist_id AND p.snapshot_date = i.snapshot_date`,
    `LEFT JOIN ${from('songs')} s ON s.song_id = i.song_id AND s.snapshot_date = i.snapshot_date`,
    `LEFT JOIN ${from('albums')} al ON al.album_id = s.album_id AND al.snapshot_date = i.snapshot_date`,
    `LEFT JOIN ${from('artists')} pa ON pa.artist_id = s.primary_artist_id AND pa.snapshot_date = i.snapshot_date`,
    'LEFT JOIN credits c ON c.song_id = i.song_id AND c.snapshot_date = i.snapshot_date',
  ].join('\n');

/** The analyst views, in the order they are created (a view after the ones it reads). */
export const analystViews: readonly AnalystView[] = [
  {
    name: 'playlist_tracks',
    doc: 'one row per playlist entry and date, with the playlist, song, album and artist names',
    columns: trackColumns,
    sql: playlistTracksSql,
  },
  {
    name: 'latest_playlist_tracks',
    doc: "playlist_tracks of each playlist's latest published date",
    columns: trackColumns,
    sql: (from) => playlistTracksSql(from, true),
  },
  {
    name: 'playlist_history',
    doc: 'per playlist and date: its snapshot id, its size, and the entries added and removed since its previous snapshot',
    columns: [varchar('snapshot_date'), varchar('playlist_id'), varchar('snapshot_id'), bigint('size'), bigint('added'), bigint('removed')],
    sql: (from) =>
      [
        'SELECT CAST(p.snapshot_date AS VARCHAR) AS snapshot_date, p.playlist_id, p.snapshot_id,',
        '  CAST(COALESCE(i.size, 0) AS BIGINT) AS size, CAST(COALESCE(c.added, 0) AS BIGINT) AS added, CAST(COALESCE(c.removed, 0) AS BIGINT) AS removed',
        `FROM ${from('playlists')} p`,
        `LEFT JOIN (SELECT snapshot_date, playlist_id, COUNT(*) AS size FROM ${from('playlist_items')} GROUP BY snapshot_date, playlist_id) i`,
        '  ON i.snapshot_date = p.snapshot_date AND i.playlist_id = p.playlist_id',
        "LEFT JOIN (SELECT snapshot_date, playlist_id, SUM(CASE WHEN change = 'added' THEN occurrences ELSE 0 END) AS added,",
        "    SUM(CASE WHEN change = 'removed' THEN occurrences ELSE 0 END) AS removed",
        `  FROM ${from('playlist_changes')} GROUP BY snapshot_date, playlist_id) c`,
        '  ON c.snapshot_date = p.snapshot_date AND c.playlist_id = p.playlist_id',
      ].join('\n'),
  },
];

/** What DuckDB needs to run the views' Trino SQL: Trino's `array_join` as a macro over DuckDB's `array_to_string`. */
export const duckDbShims: readonly string[] = ['CREATE OR REPLACE TEMP MACRO array_join(items, separator) AS array_to_string(items, separator)'];
