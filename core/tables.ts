/**
 * The curated tables of the lake, defined once. The normaliser's row types, the Parquet
 * schemas, the local catalog and docs/data-model.md are all derived from this file, so a
 * column cannot exist in one place and be missing in another. `snapshot_date` is the Hive
 * partition column of every table: it lives in the key, not in the files.
 */

/** Logical column types; each maps to one Parquet physical/converted type and one SQL type per engine. */
export type ColumnType = 'string' | 'int32' | 'boolean' | 'timestamp';

/**
 * The SQL type of each column type in every engine that reads the files, in one table so they
 * cannot drift apart: DuckDB (as it reads the Parquet files), Glue (Hive), a Trino view's declared
 * columns (Athena), and Snowflake (timestamps are UTC instants in milliseconds, as in the files).
 */
export const sqlTypes = {
  string: { duckdb: 'VARCHAR', hive: 'string', trino: 'varchar', snowflake: 'VARCHAR' },
  int32: { duckdb: 'INTEGER', hive: 'int', trino: 'integer', snowflake: 'INTEGER' },
  boolean: { duckdb: 'BOOLEAN', hive: 'boolean', trino: 'boolean', snowflake: 'BOOLEAN' },
  timestamp: { duckdb: 'TIMESTAMP', hive: 'timestamp', trino: 'timestamp(3)', snowflake: 'TIMESTAMP_NTZ(3)' },
} as const satisfies Record<ColumnType, Record<'duckdb' | 'hive' | 'trino' | 'snowflake', string>>;

/** One column: its name, type, whether it may be null, and what it means. */
export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly doc: string;
}

const col = <N extends string, T extends ColumnType, Nl extends boolean>(
  name: N,
  type: T,
  nullable: Nl,
  doc: string,
) => ({ name, type, nullable, doc }) as const;

/** Every curated table with its columns in file order. */
export const tables = {
  playlists: [
    col('playlist_id', 'string', false, 'Spotify playlist id'),
    col('snapshot_id', 'string', false, 'version of the playlist when it was read'),
    col('name', 'string', false, 'playlist name as given'),
    col('description', 'string', true, 'playlist description, null when absent'),
    col('owner_id', 'string', false, 'user id of the owner'),
    col('owner_name', 'string', true, "owner's display name"),
    col('public', 'boolean', true, 'null when Spotify does not say'),
    col('collaborative', 'boolean', false, 'whether others may edit it'),
    col('total_items', 'int32', false, 'entries Spotify reported; equals its playlist_items rows'),
  ],
  playlist_items: [
    col('playlist_id', 'string', false, 'playlist the entry belongs to'),
    col('position', 'int32', false, '0-based position: page offset + index'),
    col('item_type', 'string', false, 'track, episode, local or unavailable'),
    col('song_id', 'string', true, 'set for item_type track'),
    col('episode_id', 'string', true, 'set for item_type episode'),
    col('local_uri', 'string', true, 'spotify:local:… URI for item_type local'),
    col('added_at', 'timestamp', true, 'when the entry was added (UTC); 1970-01-01 on algorithmic playlists'),
    col('added_by', 'string', true, 'user id who added it; null or empty when Spotify gives none'),
  ],
  songs: [
    col('song_id', 'string', false, 'Spotify track id'),
    col('name', 'string', false, 'track name; empty for taken-down tracks'),
    col('duration_ms', 'int32', false, 'length in milliseconds'),
    col('explicit', 'boolean', false, 'explicit lyrics'),
    col('disc_number', 'int32', false, 'disc on the album'),
    col('track_number', 'int32', false, 'position on the disc'),
    col('isrc', 'string', true, 'external_ids.isrc'),
    col('popularity', 'int32', true, 'removed for new apps in 2026; null when absent'),
    col('album_id', 'string', true, 'album of the track'),
    col('primary_artist_id', 'string', true, 'first credited artist of the track (not of the album)'),
    col('uri', 'string', false, 'spotify:track:… URI'),
  ],
  albums: [
    col('album_id', 'string', false, 'Spotify album id'),
    col('name', 'string', false, 'album name'),
    col('album_type', 'string', true, 'album, single or compilation'),
    col('release_date', 'string', true, 'as given: YYYY, YYYY-MM or YYYY-MM-DD ("0000" when taken down)'),
    col('release_date_precision', 'string', true, 'year, month or day'),
    col('release_year', 'int32', true, 'year of release_date; null for "0000" or absent'),
    col('total_tracks', 'int32', true, 'tracks on the album'),
  ],
  artists: [
    col('artist_id', 'string', false, 'Spotify artist id'),
    col('name', 'string', false, 'artist name'),
  ],
  song_artists: [
    col('song_id', 'string', false, 'track'),
    col('artist_id', 'string', false, 'credited artist'),
    col('artist_position', 'int32', false, 'credit order; 0 is the primary artist'),
  ],
  album_artists: [
    col('album_id', 'string', false, 'album'),
    col('artist_id', 'string', false, 'credited artist'),
    col('artist_position', 'int32', false, 'credit order; 0 is the primary artist'),
  ],
  playlist_changes: [
    col('playlist_id', 'string', false, 'playlist whose entries changed'),
    col('previous_snapshot_date', 'string', false, 'the date compared with (YYYY-MM-DD): the latest earlier date with a snapshot of the playlist'),
    col('change', 'string', false, 'added or removed'),
    col('item_type', 'string', false, 'track, episode or local (unavailable entries are not compared)'),
    col('item_id', 'string', false, 'song_id, episode_id or local_uri'),
    col('occurrences', 'int32', false, 'how many entries of the item were added or removed'),
    col('added_at', 'timestamp', true, 'of the earliest-added entry with an added_at among the added ones (the item\'s newest entries, as many as occurrences); null for removed'),
    col('added_by', 'string', true, 'of the earliest-added entry with an added_at among the added ones (the item\'s newest entries, as many as occurrences); null for removed'),
  ],
} as const satisfies Record<string, readonly Column[]>;

/** The name of a curated table. */
export type TableName = keyof typeof tables;

/** Table names in the order they are written and documented. */
export const tableNames = Object.keys(tables) as TableName[];

/** The partition column every curated table carries in its keys. */
export const partitionColumn = 'snapshot_date';

/** The second partition column: the run whose candidate a file is (`run_id=` in its key). */
export const runColumn = 'run_id';

/** What the crawler puts before each curated folder's name (Glue's TablePrefix). */
export const stagedTablePrefix = 'staged_';

/**
 * Every run's files of a table, candidates and published alike, as the crawler registers them
 * (`staged_playlists`, ...): validation reads a candidate here. Readers use the table's own name,
 * which shows each date's published run only.
 * @example stagedTableName('songs') // 'staged_songs'
 */
export const stagedTableName = (table: TableName): string => `${stagedTablePrefix}${table}`;

type ValueOf<T extends ColumnType> = T extends 'string'
  ? string
  : T extends 'int32'
    ? number
    : T extends 'boolean'
      ? boolean
      : Date;

type RowOf<Cols extends readonly Column[]> = {
  [C in Cols[number] as C['name']]: C['nullable'] extends true ? ValueOf<C['type']> | null : ValueOf<C['type']>;
};

/** The row type of a table, derived from its columns. */
export type Row<T extends TableName> = RowOf<(typeof tables)[T]>;

/** One value per table: the rows of one snapshot date. */
export type TableRows = { [T in TableName]: Row<T>[] };
