/**
 * What readers see (docs/architecture.md, "Publication"): each curated table's published rows are
 * the files of the run that the date's manifest names. In Athena that is a view per table joining
 * the crawled `staged_<table>` (every run's files, partitioned by snapshot_date and run_id) with
 * `run_manifests` (one row per date's manifest); the local DuckDB engine resolves the same
 * manifests to file lists. The SQL is Trino's, written once here for the stack to declare.
 */
import { partitionColumn, runColumn, sqlTypes, stagedTableName, tables, type TableName } from './tables';

/** The Glue table over `runs/`: one JSON manifest per date, one row each. */
export const manifestsTableName = 'run_manifests';

/** The manifest fields the views read, in the names Athena's JSON SerDe gives them (lower case). */
export const manifestColumns = [
  { name: 'snapshotdate', hiveType: 'string' },
  { name: 'published', hiveType: 'struct<runid:string,executionname:string,publishedat:string>' },
] as const;

/** A view's columns: the table's own and `snapshot_date` (a string partition in Glue). */
export const publishedViewColumns = (table: TableName): { name: string; hive: string; trino: string }[] => [
  ...tables[table].map((column) => ({ name: column.name, hive: sqlTypes[column.type].hive, trino: sqlTypes[column.type].trino })),
  { name: partitionColumn, hive: 'string', trino: 'varchar' },
];

const quoted = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * The published view of a table in Athena: the rows of each date's published run, nothing of a
 * candidate, a failed attempt or a superseded run.
 * @example publishedViewSql('artists', 'spotify_etl')
 * // 'SELECT s."artist_id", s."name", s."snapshot_date" FROM "spotify_etl"."staged_artists" s JOIN "spotify_etl"."run_manifests" m ON …'
 */
export const publishedViewSql = (table: TableName, database: string): string => {
  const columns = publishedViewColumns(table).map((column) => `s.${quoted(column.name)}`);
  return (
    `SELECT ${columns.join(', ')} FROM ${quoted(database)}.${quoted(stagedTableName(table))} s ` +
    `JOIN ${quoted(database)}.${quoted(manifestsTableName)} m ` +
    `ON m.snapshotdate = s.${quoted(partitionColumn)} AND m.published.runid = s.${quoted(runColumn)}`
  );
};
