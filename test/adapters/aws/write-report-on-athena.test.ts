/**
 * The WriteReport step through the Athena adapter (SDK mocked): the statements Athena receives
 * are the report's own SQL, the same text DuckDB runs, and Athena's typed rows draw the page.
 */
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, type ColumnInfo, type Row } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AthenaQueryEngine } from '../../../adapters/aws/athena-query-engine';
import { ReportNotWrittenError } from '../../../core/errors';
import { datedReportKey, latestReportKey } from '../../../core/lake/keys';
import { explicitShareSql, playlistChangesSql, playlistSizesSql, releaseYearsSql, topArtistsSql } from '../../../core/report/queries';
import { runWriteReport } from '../../../steps/write-report/step';
import { fixedClock, MemoryBlobStore } from '../../unit/steps/fakes';

const athena = mockClient(AthenaClient);
const date = '2026-11-20';

/** One query's result as Athena pages it: the header row first, then the values as text. */
const resultOf = (columns: [string, string][], rows: (string | undefined)[][]) => {
  const info: ColumnInfo[] = columns.map(([Name, Type]) => ({ Name, Type }));
  const row = (values: (string | undefined)[]): Row => ({ Data: values.map((VarCharValue) => (VarCharValue === undefined ? {} : { VarCharValue })) });
  return { ResultSet: { ResultSetMetadata: { ColumnInfo: info }, Rows: [row(columns.map(([name]) => name)), ...rows.map(row)] } };
};

/** What Athena answers each report query with, by the SQL core/report/queries.ts writes. */
const answers = new Map([
  [playlistSizesSql({}), resultOf([['snapshot_date', 'varchar'], ['playlist_id', 'varchar'], ['name', 'varchar'], ['entries', 'integer']], [[date, 'p1', 'Morning Mix', '42']])],
  [playlistChangesSql({}), resultOf([['snapshot_date', 'varchar'], ['change', 'varchar'], ['entries', 'bigint']], [[date, 'added', '3']])],
  [
    topArtistsSql(date),
    resultOf(
      [['artist_id', 'varchar'], ['artist', 'varchar'], ['entries', 'bigint'], ['playlists', 'bigint'], ['all_entries', 'bigint'], ['all_playlists', 'bigint']],
      [['a1', 'Nina Simone', '7', '1', '42', '1']],
    ),
  ],
  [releaseYearsSql(date), resultOf([['release_year', 'integer'], ['entries', 'bigint']], [['1965', '7']])],
  [explicitShareSql(date), resultOf([['playlist_id', 'varchar'], ['name', 'varchar'], ['explicit_entries', 'bigint'], ['track_entries', 'bigint']], [['p1', 'Morning Mix', '0', '42']])],
]);

describe('WriteReport through Athena', () => {
  const sent: string[] = [];
  beforeEach(() => {
    athena.reset();
    sent.length = 0;
    athena.on(StartQueryExecutionCommand).callsFake(({ QueryString }: { QueryString: string }) => {
      sent.push(QueryString);
      return { QueryExecutionId: `q-${sent.length - 1}` };
    });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    athena.on(GetQueryResultsCommand).callsFake(({ QueryExecutionId }: { QueryExecutionId: string }) => answers.get(sent[Number(QueryExecutionId.slice(2))] ?? '') ?? resultOf([], []));
  });
  const step = (store: MemoryBlobStore) =>
    runWriteReport({
      store,
      lakeName: 's3://spotify-etl-lake',
      queries: new AthenaQueryEngine(new AthenaClient({ region: 'eu-west-1' }), { workGroup: 'spotify-etl', database: 'spotify_etl' }),
      clock: fixedClock('2026-11-20T06:10:00.000Z'),
      chartLibrary: async () => '/* the charting library */',
      sleep: async () => undefined,
    });

  it('sends Athena exactly the report\'s SQL, in the stack\'s workgroup, and writes the page drawn from its rows', async () => {
    // Prepare
    const store = new MemoryBlobStore();
    // Act
    const output = await step(store)({ published: [date] });
    // Assess
    expect(output).toEqual({ latest: latestReportKey, dated: datedReportKey(date) });
    expect(sent.toSorted()).toEqual([...answers.keys()].toSorted());
    expect(athena.commandCalls(StartQueryExecutionCommand).map((call) => call.args[0].input.WorkGroup)).toEqual(Array(5).fill('spotify-etl'));
    const page = store.text(latestReportKey) ?? '';
    expect(page).toContain('Nina Simone');
    expect(page).toContain('Morning Mix');
    expect(page).toContain('<p>Lake <code>s3://spotify-etl-lake</code>');
    expect(page).toContain('/* the charting library */');
    expect(store.text(datedReportKey(date))).toBe(page);
  });

  it('fails as ReportNotWrittenError with Athena\'s reason when a query fails, writing nothing', async () => {
    // Prepare
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: 'FAILED', AthenaError: { ErrorMessage: 'TABLE_NOT_FOUND: line 2:6: Table awsdatacatalog.spotify_etl.playlists does not exist' } } },
    });
    const store = new MemoryBlobStore();
    // Act / Assess
    const running = step(store)({ published: [date] });
    await expect(running).rejects.toBeInstanceOf(ReportNotWrittenError);
    await expect(running).rejects.toThrow('TABLE_NOT_FOUND');
    expect(store.puts).toEqual([]);
  });
});
