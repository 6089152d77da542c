/**
 * Athena runs Trino, the local engine DuckDB: every statement the pipeline sends to Athena or
 * declares in the Glue catalog is parsed with a Trino grammar here, so a DuckDB-only construct
 * fails offline instead of in the first deployed run.
 */
import { TrinoSQL } from 'dt-sql-parser';
import { describe, expect, it } from 'vitest';
import { analystViews } from '../../core/analyst-views';
import { validationSql } from '../../core/checks';
import { publishedViewSql } from '../../core/publication';
import { explicitShareSql, playlistChangesSql, playlistSizesSql, releaseYearsSql, topArtistsSql } from '../../core/report/queries';
import { tableNames, type TableName } from '../../core/tables';

const trino = new TrinoSQL();
const problemsOf = (sql: string): string[] => trino.validate(sql).map((error) => `${error.startLine}:${error.startColumn} ${error.message}`);

const counts = Object.fromEntries(tableNames.map((name) => [name, 3])) as Record<TableName, number>;
const statements: [string, string][] = [
  ['the validation query', validationSql('2026-11-20', 'local-20261120T060000-abcdef', { tables: counts, lostEntriesByPlaylist: { p1: 2 } })],
  ...tableNames.map((table): [string, string] => [`the published view of ${table}`, publishedViewSql(table, 'spotify_etl')]),
  ...analystViews.map((view): [string, string] => [`the analyst view ${view.name}`, view.sql((relation) => `"spotify_etl"."${relation}"`)]),
  // WriteReport sends the report's queries to Athena as they are (steps/write-report).
  ...[{}, { to: '2026-11-20' }, { from: '2026-11-01', to: '2026-11-20' }].flatMap((range): [string, string][] => [
    [`the report's playlist sizes of ${JSON.stringify(range)}`, playlistSizesSql(range)],
    [`the report's playlist changes of ${JSON.stringify(range)}`, playlistChangesSql(range)],
  ]),
  ...[topArtistsSql, releaseYearsSql, explicitShareSql].map((sql): [string, string] => [`the report's ${sql.name}`, sql('2026-11-20')]),
];

describe('the SQL sent to Athena', () => {
  it.each(statements)('parses as Trino: %s', (_, sql) => {
    // Act
    const problems = problemsOf(sql);
    // Assess
    expect(problems).toEqual([]);
  });

  it('fails a DuckDB-only construct, so the check can catch one', () => {
    // Act
    const problems = problemsOf('SELECT * EXCLUDE (snapshot_date) FROM songs QUALIFY 1 = 1');
    // Assess
    expect(problems).not.toEqual([]);
  });
});
