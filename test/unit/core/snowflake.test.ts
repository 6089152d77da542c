/**
 * The Snowflake SQL (core/snowflake.ts). node-sql-parser's Snowflake grammar parses CREATE
 * DATABASE, SCHEMA, TABLE and VIEW and the pipes' SELECT; it has no CREATE STORAGE INTEGRATION,
 * FILE FORMAT, STAGE, EXTERNAL TABLE or PIPE, nor COPY INTO, and stops at `METADATA$` names and
 * at `@stage` paths, so those statements are checked by their structure here and the expressions
 * inside them are parsed on their own. The golden file is the command's output:
 *   npx spotify-etl snowflake ddl --bucket spotify-etl-lake-example \
 *     --role-arn arn:aws:iam::123456789012:role/spotify-etl-snowflake > test/fixtures/snowflake/ddl.sql
 */
import { readFileSync } from 'node:fs';
import { Parser } from 'node-sql-parser';
import { describe, expect, it } from 'vitest';
import { curatedTablePrefix } from '../../../core/lake/keys';
import { snowflakeDdl, snowflakeStagedColumns, snowflakeStatements, snowflakeViewColumns, type SnowflakeTarget } from '../../../core/snowflake';
import { tableNames, tables } from '../../../core/tables';

const target: SnowflakeTarget = {
  bucket: 'spotify-etl-lake-example',
  database: 'SPOTIFY_ETL',
  schema: 'LAKE',
  roleArn: 'arn:aws:iam::123456789012:role/spotify-etl-snowflake',
};
const golden = new URL('../../fixtures/snowflake/ddl.sql', import.meta.url);
const parser = new Parser();
const parse = (sql: string) => parser.astify(sql, { database: 'snowflake' });
const statements = snowflakeStatements(target);
const ofKind = (kind: string) => statements.filter((statement) => statement.kind === kind);
const upper = (name: string) => name.toUpperCase();

/** A pipe's parts: `CREATE PIPE … AS COPY INTO <table> (<columns>) FROM (<select>) PATTERN = '…'`. */
const pipeShape = /^CREATE PIPE IF NOT EXISTS (\S+)\n {2}AUTO_INGEST = TRUE\n {2}AS COPY INTO (\S+) \(([^)]*)\)\n {2}FROM \(\n([\s\S]*)\n {2}\)\n {2}PATTERN = '\.\*\[\.\]parquet'$/;

describe('the Snowflake DDL', () => {
  it('equals the golden file, statement by statement', () => {
    expect(snowflakeDdl(target)).toBe(readFileSync(golden, 'utf8'));
  });

  it('makes a storage integration, two file formats, two stages, the manifests table, and a table, an auto-ingest pipe and a view per curated table', () => {
    expect(statements.map((statement) => statement.kind)).toEqual([
      'integration', 'database', 'schema', 'file format', 'file format', 'stage', 'stage', 'external table',
      ...tableNames.flatMap(() => ['table', 'pipe', 'view']),
    ]);
    expect(ofKind('table').map((statement) => statement.name)).toEqual(tableNames.map((table) => `SPOTIFY_ETL.LAKE.STAGED_${upper(table)}`));
    expect(ofKind('view').map((statement) => statement.name)).toEqual(tableNames.map((table) => `SPOTIFY_ETL.LAKE.${upper(table)}`));
  });

  it('can be run again: everything holding data or state is IF NOT EXISTS, only the views are replaced', () => {
    for (const statement of statements) {
      expect(statement.sql, statement.name).toMatch(statement.kind === 'view' ? /^CREATE OR REPLACE VIEW / : /^CREATE [A-Z ]+ IF NOT EXISTS /);
    }
  });

  it('parses the database, schema, tables and views with the Snowflake grammar, each table with its columns and types', () => {
    for (const statement of [...ofKind('database'), ...ofKind('schema'), ...ofKind('view')]) expect(() => parse(statement.sql), statement.name).not.toThrow();
    for (const [index, statement] of ofKind('table').entries()) {
      const table = tableNames[index]!;
      const ast = parse(statement.sql) as unknown as { create_definitions: { column: { column: string }; definition: { dataType: string; length?: number }; nullable?: { type: string } }[] };
      const columns = ast.create_definitions.map((definition) => ({
        name: definition.column.column,
        type: definition.definition.length === undefined ? definition.definition.dataType : `${definition.definition.dataType}(${definition.definition.length})`,
        nullable: definition.nullable?.type !== 'not null',
      }));
      expect(columns, table).toEqual(snowflakeStagedColumns(table).map((column) => ({ ...column, name: upper(column.name) })));
    }
  });

  it('lets each view show the table\'s own columns and snapshot_date of the published run only', () => {
    for (const [index, statement] of ofKind('view').entries()) {
      const table = tableNames[index]!;
      const ast = parse(statement.sql) as unknown as { select: { columns: { expr: { column: string } }[]; from: { table: string; on?: unknown }[] } };
      expect(ast.select.columns.map((column) => column.expr.column)).toEqual(snowflakeViewColumns(table).map((column) => upper(column.name)));
      expect(ast.select.from.map((from) => from.table)).toEqual([`STAGED_${upper(table)}`, 'RUN_MANIFESTS']);
      expect(statement.sql).toContain('ON m.SNAPSHOT_DATE = s.SNAPSHOT_DATE AND m.PUBLISHED_RUN_ID = s.RUN_ID');
    }
  });

  it('gives each curated table an auto-ingest pipe that reads its folder\'s Parquet fields by name into its staged table', () => {
    const pipes = ofKind('pipe');
    expect(pipes).toHaveLength(tableNames.length);
    for (const [index, pipe] of pipes.entries()) {
      const table = tableNames[index]!;
      const [, name, into, columnList, select] = pipeShape.exec(pipe.sql) ?? [];
      expect(name, pipe.sql).toBe(`SPOTIFY_ETL.LAKE.STAGED_${upper(table)}_PIPE`);
      expect(into).toBe(`SPOTIFY_ETL.LAKE.STAGED_${upper(table)}`);
      expect(columnList?.split(', ')).toEqual(snowflakeStagedColumns(table).map((column) => upper(column.name)));
      // The stage is curated/, so the folder is the table's curated prefix without it.
      const from = /\n {4}FROM @SPOTIFY_ETL\.LAKE\.CURATED_STAGE\/(\S+)$/.exec(select ?? '');
      expect(`curated/${from?.[1] ?? ''}`).toBe(curatedTablePrefix(table));
      // The grammar knows neither `METADATA$` names nor stage paths: parse the projection on its own.
      const projection = (select ?? '').replace(from?.[0] ?? '', ' FROM staged_file').replaceAll('METADATA$', 'METADATA_');
      const ast = parse(projection) as unknown as { columns: { expr: { type: string; target?: { dataType: string; length?: number }[]; expr?: { name: { name: { value: string }[] }; args: { value: { value: unknown }[] } } } }[] };
      expect(ast.columns).toHaveLength(snowflakeStagedColumns(table).length);
      const fields = ast.columns.slice(0, tables[table].length).map(({ expr }) => [expr.expr?.name.name[0]?.value, expr.expr?.args.value[1]?.value]);
      expect(fields).toEqual(tables[table].map((column) => ['GET', column.name]));
      expect(projection).toContain("TO_DATE(REGEXP_SUBSTR(METADATA_FILENAME, 'snapshot_date=([^/]+)/', 1, 1, 'e'))");
      expect(projection).toContain("REGEXP_SUBSTR(METADATA_FILENAME, 'run_id=([^/]+)/', 1, 1, 'e')");
    }
  });

  it('reads the published run of each date from the manifests, with expressions the grammar parses', () => {
    const [manifests] = ofKind('external table');
    const columns = [...(manifests?.sql ?? '').matchAll(/^ {2}(\w+) (\w+) AS \((.*)\),?$/gm)].map(([, name, type, expression]) => ({ name, type, expression }));
    expect(columns.map(({ name, type }) => [name, type])).toEqual([['SNAPSHOT_DATE', 'DATE'], ['PUBLISHED_RUN_ID', 'VARCHAR']]);
    expect(() => parse(`SELECT ${columns.map(({ expression }) => expression).join(', ')} FROM manifests`)).not.toThrow();
    expect(manifests?.sql).toMatch(/LOCATION = @SPOTIFY_ETL\.LAKE\.MANIFESTS_STAGE\n {2}PATTERN = '\.\*manifest\[\.\]json'\n.*\n {2}AUTO_REFRESH = TRUE$/);
  });

  it('lets the integration and the stages reach only the bucket\'s curated/ and runs/ folders', () => {
    const [integration] = ofKind('integration');
    expect(integration?.sql).toContain("STORAGE_AWS_ROLE_ARN = 'arn:aws:iam::123456789012:role/spotify-etl-snowflake'");
    expect(integration?.sql).toContain("STORAGE_ALLOWED_LOCATIONS = ('s3://spotify-etl-lake-example/curated/', 's3://spotify-etl-lake-example/runs/')");
    expect(ofKind('stage').map((stage) => /URL = '([^']+)'/.exec(stage.sql)?.[1])).toEqual(['s3://spotify-etl-lake-example/curated/', 's3://spotify-etl-lake-example/runs/']);
    for (const stage of ofKind('stage')) expect(stage.sql).toContain('STORAGE_INTEGRATION = SPOTIFY_ETL_S3_LAKE');
  });

  it('quotes a role ARN or bucket holding a quote as a literal, never as SQL', () => {
    const sql = snowflakeDdl({ ...target, roleArn: "x' ENABLED = FALSE --" });

    expect(sql).toContain("STORAGE_AWS_ROLE_ARN = 'x'' ENABLED = FALSE --'");
  });
});
