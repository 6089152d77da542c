import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  type ColumnInfo,
  type Row,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AthenaQueryEngine, typedValue } from '../../../adapters/aws/athena-query-engine';
import { AwsUnavailableError, QueryFailedError } from '../../../core/errors';

const athena = mockClient(AthenaClient);
const engine = new AthenaQueryEngine(new AthenaClient({ region: 'eu-west-1' }), {
  workGroup: 'spotify-etl',
  database: 'spotify_etl',
  pageSize: 2,
});
const row = (...values: (string | undefined)[]): Row => ({ Data: values.map((VarCharValue) => (VarCharValue === undefined ? {} : { VarCharValue })) });
const columns: ColumnInfo[] = [
  { Name: 'check_name', Type: 'varchar' },
  { Name: 'offending_key', Type: 'varchar' },
  { Name: 'failures', Type: 'bigint' },
];

describe('AthenaQueryEngine', () => {
  beforeEach(() => {
    athena.reset();
  });

  it('fails with AwsUnavailableError, which the machine retries, when Athena throttles', async () => {
    // Prepare
    athena.on(StartQueryExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } }));
    // Act / Assess
    await expect(engine.start('SELECT 1')).rejects.toBeInstanceOf(AwsUnavailableError);
  });

  it('starts the query in the workgroup against the Glue database and returns its id', async () => {
    // Prepare
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-123' });
    // Act
    const id = await engine.start('SELECT 1');
    // Assess
    expect(id).toBe('q-123');
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toEqual({
      QueryString: 'SELECT 1',
      WorkGroup: 'spotify-etl',
      QueryExecutionContext: { Database: 'spotify_etl' },
    });
  });

  it('fails with QueryFailedError carrying Athena\'s reason when Athena refuses the query', async () => {
    // Prepare
    athena.on(StartQueryExecutionCommand).rejects(new InvalidRequestException({ message: "line 1:8: mismatched input 'FROM'", $metadata: {} }));
    // Act / Assess
    await expect(engine.start('SELECT FROM')).rejects.toThrow(QueryFailedError);
    await expect(engine.start('SELECT FROM')).rejects.toThrow("mismatched input 'FROM'");
  });

  it.each([
    ['QUEUED', { state: 'running' }],
    ['RUNNING', { state: 'running' }],
    ['SUCCEEDED', { state: 'succeeded' }],
  ] as const)('reports a %s query as %j', async (State, expected) => {
    // Prepare
    athena.on(GetQueryExecutionCommand, { QueryExecutionId: 'q-1' }).resolves({ QueryExecution: { Status: { State } } });
    // Act / Assess
    expect(await engine.status('q-1')).toEqual(expected);
  });

  it('reports a failed query with Athena\'s error message', async () => {
    // Prepare
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: {
          State: 'FAILED',
          StateChangeReason: 'TABLE_NOT_FOUND: line 1:15: Table awsdatacatalog.spotify_etl.songs does not exist',
          AthenaError: { ErrorMessage: 'TABLE_NOT_FOUND: line 1:15: Table awsdatacatalog.spotify_etl.songs does not exist' },
        },
      },
    });
    // Act
    const status = await engine.status('q-2');
    // Assess
    expect(status).toEqual({
      state: 'failed',
      reason: 'Athena query q-2 FAILED: TABLE_NOT_FOUND: line 1:15: Table awsdatacatalog.spotify_etl.songs does not exist',
    });
  });

  it('reports a cancelled query as failed', async () => {
    // Prepare
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'CANCELLED', StateChangeReason: 'Query cancelled by user' } } });
    // Act / Assess
    expect(await engine.status('q-3')).toEqual({ state: 'failed', reason: 'Athena query q-3 CANCELLED: Query cancelled by user' });
  });

  it('reads every page of results, skips the header row once and types values from the column metadata', async () => {
    // Prepare: 3 data rows over two pages of at most 2 rows (the header counts on page one).
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-4', NextToken: undefined })
      .resolves({
        ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: [row('check_name', 'offending_key', 'failures'), row('items_match_total', 'pl1', '2')] },
        NextToken: 'page-2',
      })
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-4', NextToken: 'page-2' })
      .resolves({
        ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: [row('songs_resolvable', 'abc', '1'), row('positions_dense', undefined, '9007199254740993')] },
      });
    // Act
    const rows = await engine.results('q-4');
    // Assess
    expect(rows).toEqual([
      { check_name: 'items_match_total', offending_key: 'pl1', failures: 2 },
      { check_name: 'songs_resolvable', offending_key: 'abc', failures: 1 },
      { check_name: 'positions_dense', offending_key: null, failures: '9007199254740993' },
    ]);
    expect(athena.commandCalls(GetQueryResultsCommand).map((call) => call.args[0].input)).toEqual([
      { QueryExecutionId: 'q-4', MaxResults: 2, NextToken: undefined },
      { QueryExecutionId: 'q-4', MaxResults: 2, NextToken: 'page-2' },
    ]);
  });

  it('returns no rows for a query whose result is only the header', async () => {
    // Prepare
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: [row('check_name', 'offending_key', 'failures')] } });
    // Act / Assess
    expect(await engine.results('q-5')).toEqual([]);
  });

  it('fails with QueryFailedError when results are asked of a query that did not succeed', async () => {
    // Prepare
    athena.on(GetQueryResultsCommand).rejects(new InvalidRequestException({ message: 'Query has not yet finished. Current state: RUNNING', $metadata: {} }));
    // Act / Assess
    await expect(engine.results('q-6')).rejects.toThrow(QueryFailedError);
  });

  it.each([
    [{ Type: 'boolean' }, 'true', true],
    [{ Type: 'boolean' }, 'false', false],
    [{ Type: 'integer' }, '-7', -7],
    [{ Type: 'double' }, '1.5', 1.5],
    [{ Type: 'decimal' }, '12.50', 12.5],
    [{ Type: 'date' }, '2026-11-20', '2026-11-20'],
    [{ Type: 'timestamp' }, '2026-11-20 06:00:00.000', '2026-11-20 06:00:00.000'],
    [{ Type: 'varchar' }, '', ''],
  ] as const)('types a %j value %j as %j', (column, text, expected) => {
    // Act / Assess
    expect(typedValue({ Name: 'c', ...column }, { VarCharValue: text })).toEqual(expected);
  });
});
