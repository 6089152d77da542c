/**
 * The Snowflake side of the lake (docs/snowflake.md): the SQL that makes Snowpipe load every
 * curated table, generated from core/tables.ts and the lake keys so it cannot drift from the files.
 *
 * Only published data is visible, and a rerun never duplicates rows, without changing the
 * pipeline: Snowpipe loads every run's files (candidates too, since they are written before
 * validation) into `STAGED_<TABLE>` with the run id and date taken from the file's key; an
 * external table reads each date's manifest (`runs/`) as it is now; and the view `<TABLE>` keeps
 * only the rows of the run the manifest publishes, as the Athena views do (core/publication.ts).
 * The manifests cannot go through Snowpipe, because a date's manifest is rewritten in place and
 * Snowpipe never reloads a file name it has loaded.
 */
import { curatedTablePrefix, runManifestsPrefix } from './lake/keys';
import { partitionColumn, runColumn, sqlTypes, stagedTableName, tableNames, tables, type TableName } from './tables';

/** Where the SQL points: the lake bucket, the Snowflake database and schema, the role Snowflake assumes. */
export interface SnowflakeTarget {
  readonly bucket: string;
  readonly database: string;
  readonly schema: string;
  readonly roleArn: string;
}

/** The IAM role the stack creates for Snowflake (infra/snowflake.ts), named so its ARN is known before the first deploy. */
export const snowflakeRoleName = (namePrefix: string): string => `${namePrefix}-snowflake`;

/** What `spotify-etl snowflake ddl` prints without options: placeholders for what only the deployment knows. */
export const defaultSnowflakeTarget: SnowflakeTarget = {
  bucket: '<lake-bucket>',
  database: 'SPOTIFY_ETL',
  schema: 'LAKE',
  roleArn: `arn:aws:iam::<account-id>:role/${snowflakeRoleName('spotify-etl')}`,
};

/**
 * A name Snowflake takes unquoted (and upper-cases). Quoting is avoided on purpose: a quoted
 * lower-case name would have to be quoted in every query analysts write.
 */
export const isSnowflakeIdentifier = (name: string): boolean => /^[A-Za-z_][A-Za-z0-9_]{0,254}$/.test(name);

/** One column of a generated table or view. */
export interface SnowflakeColumn {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
}

/** The key of the file a row came from, relative to the curated stage (`songs/snapshot_date=D/run_id=R/part-00000.parquet`). */
export const sourceFileColumn = 'source_file';

/** The published view's columns: the table's own, then `snapshot_date`, as in Athena and DuckDB. */
export const snowflakeViewColumns = (table: TableName): SnowflakeColumn[] => [
  ...tables[table].map((column) => ({ name: column.name, type: sqlTypes[column.type].snowflake, nullable: column.nullable })),
  { name: partitionColumn, type: 'DATE', nullable: false },
];

/** The staged table's columns: the view's, then the run and the file every row was loaded from. */
export const snowflakeStagedColumns = (table: TableName): SnowflakeColumn[] => [
  ...snowflakeViewColumns(table),
  { name: runColumn, type: 'VARCHAR', nullable: false },
  { name: sourceFileColumn, type: 'VARCHAR', nullable: false },
];

const upper = (name: string): string => name.toUpperCase();
const curatedRoot = 'curated/';
/** A table's folder below the curated stage, which points at `curated/`: `songs/`. */
const stagePath = (table: TableName): string => curatedTablePrefix(table).slice(curatedRoot.length);
const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** The account-level and schema-level object names, all derived from the target. */
const namesOf = (target: SnowflakeTarget) => {
  const schema = `${upper(target.database)}.${upper(target.schema)}`;
  return {
    database: upper(target.database),
    schema,
    integration: `${upper(target.database)}_S3_LAKE`,
    parquetFormat: `${schema}.PARQUET_FORMAT`,
    manifestFormat: `${schema}.MANIFEST_FORMAT`,
    curatedStage: `${schema}.CURATED_STAGE`,
    manifestsStage: `${schema}.MANIFESTS_STAGE`,
    manifests: `${schema}.RUN_MANIFESTS`,
    staged: (table: TableName) => `${schema}.${upper(stagedTableName(table))}`,
    pipe: (table: TableName) => `${schema}.${upper(stagedTableName(table))}_PIPE`,
    view: (table: TableName) => `${schema}.${upper(table)}`,
  };
};

/** The value of a `key=value` folder of the file's key, e.g. the `run_id=` one. */
const fromFileKey = (column: string): string => `REGEXP_SUBSTR(METADATA$FILENAME, ${literal(`${column}=([^/]+)/`)}, 1, 1, 'e')`;

/** A generated statement: what it makes, and its SQL without the closing semicolon. */
export interface SnowflakeStatement {
  readonly kind: 'integration' | 'database' | 'schema' | 'file format' | 'stage' | 'external table' | 'table' | 'pipe' | 'view';
  readonly name: string;
  readonly sql: string;
}

const columnList = (columns: readonly SnowflakeColumn[]): string =>
  columns.map((column) => `  ${upper(column.name)} ${column.type}${column.nullable ? '' : ' NOT NULL'}`).join(',\n');

/** Statements of one curated table: its staged table, its pipe and its published view. */
const tableStatements = (names: ReturnType<typeof namesOf>, table: TableName): SnowflakeStatement[] => {
  const staged = snowflakeStagedColumns(table);
  // Each Parquet field is read by its name, never by position, and cast to the declared type;
  // the date and run live in the file's key (Hive folders), not in the file.
  const values = [
    ...tables[table].map((column) => `GET($1, ${literal(column.name)})::${sqlTypes[column.type].snowflake}`),
    `TO_DATE(${fromFileKey(partitionColumn)})`,
    fromFileKey(runColumn),
    'METADATA$FILENAME',
  ];
  const viewColumns = snowflakeViewColumns(table).map((column) => `s.${upper(column.name)}`);
  return [
    { kind: 'table', name: names.staged(table), sql: `CREATE TABLE IF NOT EXISTS ${names.staged(table)} (\n${columnList(staged)}\n)` },
    {
      kind: 'pipe',
      name: names.pipe(table),
      sql:
        `CREATE PIPE IF NOT EXISTS ${names.pipe(table)}\n  AUTO_INGEST = TRUE\n  AS COPY INTO ${names.staged(table)} (${staged.map((column) => upper(column.name)).join(', ')})\n` +
        `  FROM (\n    SELECT\n${values.map((value) => `      ${value}`).join(',\n')}\n    FROM @${names.curatedStage}/${stagePath(table)}\n  )\n` +
        `  PATTERN = '.*[.]parquet'`,
    },
    {
      kind: 'view',
      name: names.view(table),
      sql:
        `CREATE OR REPLACE VIEW ${names.view(table)} AS\n  SELECT ${viewColumns.join(', ')}\n  FROM ${names.staged(table)} s\n` +
        `  JOIN ${names.manifests} m ON m.${upper(partitionColumn)} = s.${upper(partitionColumn)} AND m.PUBLISHED_RUN_ID = s.${upper(runColumn)}`,
    },
  ];
};

/**
 * Every statement, in the order they must run. Idempotent: `IF NOT EXISTS` for everything that
 * holds data or state (the integration's external id, the pipes' load history), `OR REPLACE`
 * only for the views, which hold neither.
 */
export const snowflakeStatements = (target: SnowflakeTarget): SnowflakeStatement[] => {
  const names = namesOf(target);
  const location = (prefix: string): string => `s3://${target.bucket}/${prefix}`;
  return [
    {
      kind: 'integration',
      name: names.integration,
      sql:
        `CREATE STORAGE INTEGRATION IF NOT EXISTS ${names.integration}\n  TYPE = EXTERNAL_STAGE\n  STORAGE_PROVIDER = 'S3'\n  ENABLED = TRUE\n` +
        `  STORAGE_AWS_ROLE_ARN = ${literal(target.roleArn)}\n` +
        `  STORAGE_ALLOWED_LOCATIONS = (${literal(location(curatedRoot))}, ${literal(location(runManifestsPrefix))})`,
    },
    { kind: 'database', name: names.database, sql: `CREATE DATABASE IF NOT EXISTS ${names.database}` },
    { kind: 'schema', name: names.schema, sql: `CREATE SCHEMA IF NOT EXISTS ${names.schema}` },
    {
      // The files annotate timestamps (TIMESTAMP_MILLIS) and strings (UTF8): read them as such.
      kind: 'file format',
      name: names.parquetFormat,
      sql: `CREATE FILE FORMAT IF NOT EXISTS ${names.parquetFormat}\n  TYPE = PARQUET\n  USE_LOGICAL_TYPE = TRUE`,
    },
    { kind: 'file format', name: names.manifestFormat, sql: `CREATE FILE FORMAT IF NOT EXISTS ${names.manifestFormat}\n  TYPE = JSON` },
    {
      kind: 'stage',
      name: names.curatedStage,
      sql: `CREATE STAGE IF NOT EXISTS ${names.curatedStage}\n  URL = ${literal(location(curatedRoot))}\n  STORAGE_INTEGRATION = ${names.integration}\n  FILE_FORMAT = (FORMAT_NAME = ${literal(names.parquetFormat)})`,
    },
    {
      kind: 'stage',
      name: names.manifestsStage,
      sql: `CREATE STAGE IF NOT EXISTS ${names.manifestsStage}\n  URL = ${literal(location(runManifestsPrefix))}\n  STORAGE_INTEGRATION = ${names.integration}\n  FILE_FORMAT = (FORMAT_NAME = ${literal(names.manifestFormat)})`,
    },
    {
      // Read at query time, so a rewritten manifest counts as soon as the refresh sees it.
      kind: 'external table',
      name: names.manifests,
      sql:
        `CREATE EXTERNAL TABLE IF NOT EXISTS ${names.manifests} (\n` +
        `  ${upper(partitionColumn)} DATE AS (TO_DATE(GET(VALUE, 'snapshotDate')::VARCHAR)),\n` +
        `  PUBLISHED_RUN_ID VARCHAR AS (GET(GET(VALUE, 'published'), 'runId')::VARCHAR)\n)\n` +
        `  LOCATION = @${names.manifestsStage}\n  PATTERN = '.*manifest[.]json'\n  FILE_FORMAT = (FORMAT_NAME = ${literal(names.manifestFormat)})\n  AUTO_REFRESH = TRUE`,
    },
    ...tableNames.flatMap((table) => tableStatements(names, table)),
  ];
};

/** The whole script `spotify-etl snowflake ddl` prints: every statement, each ended by a semicolon. */
export const snowflakeDdl = (target: SnowflakeTarget): string =>
  snowflakeStatements(target)
    .map((statement) => `-- ${statement.kind} ${statement.name}\n${statement.sql};\n`)
    .join('\n');
