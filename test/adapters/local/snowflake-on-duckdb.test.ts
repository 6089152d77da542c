/**
 * The generated Snowflake objects against the real Parquet files and manifests, with DuckDB in
 * Snowflake's place (there is no Snowflake offline): each staged table's columns and types are
 * what a reader finds in that table's files, and the generated views, run verbatim, show each
 * date's published run only. Snowpipe is stood in for by loading each file once, by name, as it
 * does; the manifests' external table by reading the manifests as they are now.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Parser } from 'node-sql-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HyparquetTableEncoder } from '../../../adapters/parquet/hyparquet-table-encoder';
import { curatedPartKey, curatedRunPrefix, runManifestsPrefix } from '../../../core/lake/keys';
import { buildAttempt, withAttempt, type RunManifest } from '../../../core/lake/manifest';
import { writeManifest } from '../../../core/manifests';
import { snowflakeStatements, snowflakeViewColumns, sourceFileColumn } from '../../../core/snowflake';
import { tableNames, tables, type TableName, type TableRows } from '../../../core/tables';
import { createTestLake, goodDay, type TestLake } from './lake-fixture';

const date = '2026-11-20';
const statements = snowflakeStatements({ bucket: 'lake', database: 'SPOTIFY_ETL', schema: 'LAKE', roleArn: 'arn:aws:iam::123456789012:role/r' });
const staged = (table: TableName) => `SPOTIFY_ETL.LAKE.STAGED_${table.toUpperCase()}`;

/** DuckDB's name of each Snowflake type the DDL uses, as DuckDB reads the Parquet files and the Hive folders. */
const duckDbTypeOf: Record<string, string> = { VARCHAR: 'VARCHAR', INTEGER: 'INTEGER', BOOLEAN: 'BOOLEAN', 'TIMESTAMP_NTZ(3)': 'TIMESTAMP', DATE: 'DATE' };

/** The columns of a generated CREATE TABLE, as node-sql-parser's Snowflake grammar reads them. */
const ddlColumns = (table: TableName): { name: string; type: string }[] => {
  const sql = statements.find((statement) => statement.kind === 'table' && statement.name === staged(table))?.sql ?? '';
  const ast = new Parser().astify(sql, { database: 'snowflake' }) as unknown as { create_definitions: { column: { column: string }; definition: { dataType: string; length?: number } }[] };
  return ast.create_definitions.map(({ column, definition }) => ({
    name: column.column,
    type: definition.length === undefined ? definition.dataType : `${definition.dataType}(${definition.length})`,
  }));
};

describe('the Snowflake tables and views over the real files', () => {
  let lake: TestLake;
  const encoder = new HyparquetTableEncoder();
  const sql = async (text: string) => (await lake.db.runAndReadAll(text)).getRowObjectsJson();
  const files = (table: TableName) => `${join(lake.root, 'curated', table)}/*/*/*.parquet`;

  const writeRun = async (runId: string, rows: TableRows): Promise<void> => {
    const encode = <T extends TableName>(table: T): Uint8Array => encoder.encode(table, rows[table]);
    for (const table of tableNames) await lake.store.put(curatedPartKey(table, date, runId, 0), encode(table));
  };
  let manifest: RunManifest | undefined;
  const recordAttempt = async (runId: string, status: 'normalised' | 'succeeded'): Promise<void> => {
    const attempt = buildAttempt({ executionName: runId, status, mode: 'manual', extractedAt: null, updatedAt: '2026-11-20T00:00:00.000Z' });
    manifest = withAttempt(date, manifest, attempt);
    await writeManifest(lake.store, manifest);
  };
  /** Snowpipe: every file not loaded before is loaded once, whatever happens to it later. */
  const pipesRun = async (): Promise<void> => {
    for (const table of tableNames) {
      const columns = tables[table].map((column) => column.name).join(', ');
      await sql(
        `INSERT INTO ${staged(table)} SELECT ${columns}, snapshot_date, run_id, filename FROM read_parquet('${files(table)}', hive_partitioning = true, filename = true) ` +
          `WHERE filename NOT IN (SELECT ${sourceFileColumn} FROM ${staged(table)})`,
      );
    }
  };
  /** The external table: the manifests as they are now. */
  const manifestsRefresh = async (): Promise<void> => {
    await sql(
      `CREATE OR REPLACE TABLE SPOTIFY_ETL.LAKE.RUN_MANIFESTS AS SELECT CAST(json_extract_string(json, '$.snapshotDate') AS DATE) AS SNAPSHOT_DATE, ` +
        `json_extract_string(json, '$.published.runId') AS PUBLISHED_RUN_ID FROM read_json_objects('${join(lake.root, runManifestsPrefix)}*/manifest.json')`,
    );
  };
  const viewRows = async (table: TableName) => sql(`SELECT * FROM SPOTIFY_ETL.LAKE.${table.toUpperCase()} ORDER BY ALL`);

  beforeAll(async () => {
    lake = await createTestLake();
    await writeRun('run-a', goodDay());
    await sql("ATTACH ':memory:' AS SPOTIFY_ETL");
    await sql('CREATE SCHEMA SPOTIFY_ETL.LAKE');
  });
  afterAll(async () => lake.remove());

  it('declares each staged table with the columns and types DuckDB reads from its Parquet files and Hive folders', async () => {
    for (const table of tableNames) {
      // Act
      const described = await sql(`DESCRIBE SELECT * FROM read_parquet('${files(table)}', hive_partitioning = true)`);
      // Assess
      const declared = ddlColumns(table);
      expect(declared.at(-1)?.name, table).toBe(sourceFileColumn.toUpperCase());
      const asDuckDb = declared.slice(0, -1).map((column) => [column.name, duckDbTypeOf[column.type] ?? column.type]);
      const read = described.map((row) => [String(row['column_name']).toUpperCase(), row['column_type']]);
      // The files' own columns in file order; DuckDB lists the Hive folders after them in its own order.
      const fileColumns = tables[table].length;
      expect(asDuckDb.slice(0, fileColumns), table).toEqual(read.slice(0, fileColumns));
      expect(asDuckDb.slice(fileColumns).sort(), table).toEqual(read.slice(fileColumns).sort());
    }
  });

  it('shows only the published run of a date through the generated views, and a rerun replaces its rows instead of adding to them', async () => {
    // Prepare: the staged tables as the DDL declares them, run A loaded and published.
    for (const table of tableNames) {
      const columns = ddlColumns(table).map((column) => `${column.name} ${duckDbTypeOf[column.type] ?? column.type}`);
      await sql(`CREATE TABLE ${staged(table)} (${columns.join(', ')})`);
    }
    await recordAttempt('run-a', 'succeeded');
    await pipesRun();
    await manifestsRefresh();
    for (const view of statements.filter((statement) => statement.kind === 'view')) await sql(view.sql);
    const runA = await viewRows('artists');

    // Act 1: run B writes its candidate (different data), which the pipes load before validation.
    const rowsB = goodDay();
    rowsB.artists = [{ artist_id: 'ar1', name: 'Artist One (remastered)' }, ...rowsB.artists.slice(1)];
    await writeRun('run-b', rowsB);
    await recordAttempt('run-b', 'normalised');
    await pipesRun();
    await manifestsRefresh();
    const whileCandidate = await viewRows('artists');

    // Act 2: run B is published and run A's files are deleted, as RecordRun does.
    await recordAttempt('run-b', 'succeeded');
    for (const table of tableNames) await rm(join(lake.root, curatedRunPrefix(table, date, 'run-a')), { recursive: true });
    await pipesRun();
    await manifestsRefresh();

    // Assess
    expect(runA.map((row) => row['NAME'])).toEqual(['Artist One', 'Artist Two', 'Artist Three']);
    expect(whileCandidate).toEqual(runA);
    expect(await sql(`SELECT run_id AS run, COUNT(*)::INTEGER AS n FROM ${staged('artists')} GROUP BY 1 ORDER BY 1`)).toEqual([
      { run: 'run-a', n: 3 },
      { run: 'run-b', n: 3 },
    ]);
    expect((await viewRows('artists')).map((row) => row['NAME'])).toEqual(['Artist One (remastered)', 'Artist Two', 'Artist Three']);
    for (const table of tableNames) {
      const rows = await viewRows(table);
      expect(rows, table).toHaveLength(rowsB[table].length);
      // A table with no rows for the date (playlist_changes on a first snapshot) has no keys to compare.
      if (rows.length > 0) expect(Object.keys(rows[0] ?? {}), table).toEqual(snowflakeViewColumns(table).map((column) => column.name.toUpperCase()));
    }
  });
});
