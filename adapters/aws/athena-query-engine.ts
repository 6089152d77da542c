/** Athena in the stack's workgroup: the QueryEngine port over the Athena SDK v3 client. */
import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  type AthenaClient,
  type ColumnInfo,
  type Datum,
} from '@aws-sdk/client-athena';
import { AwsUnavailableError, QueryFailedError } from '../../core/errors';
import type { JobState, QueryEngine } from '../../core/ports';
import { awsErrorMessage, awsErrorName, isTransientAwsError } from './aws-errors';

/** Where queries run. */
export interface AthenaQueryEngineOptions {
  /** The workgroup (ATHENA_WORKGROUP): it enforces the results location and the bytes-scanned limit. */
  readonly workGroup: string;
  /** The Glue database the crawler fills (GLUE_DATABASE_NAME). */
  readonly database: string;
  /**
   * Rows per GetQueryResults page (Athena allows at most 1000).
   * @default 1000
   */
  readonly pageSize?: number;
}

const integerTypes = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint']);
const floatTypes = new Set(['double', 'float', 'real', 'decimal']);

/**
 * One Athena value typed by its column: numbers and booleans as such, NULL (no VarCharValue)
 * as null, everything else (varchar, date, timestamp, arrays) as the string Athena gave.
 * @example typedValue({ Type: 'bigint' }, { VarCharValue: '42' }) // 42
 */
export const typedValue = (column: ColumnInfo | undefined, datum: Datum | undefined): unknown => {
  const text = datum?.VarCharValue;
  if (text === undefined) return null;
  const type = (column?.Type ?? 'varchar').toLowerCase();
  if (type === 'boolean') return text === 'true';
  if (integerTypes.has(type)) {
    const value = Number(text);
    // A bigint past 2^53 would lose digits as a number, so it stays the exact string.
    return Number.isSafeInteger(value) ? value : text;
  }
  if (floatTypes.has(type)) return Number(text);
  return text;
};

const isHeader = (columns: readonly ColumnInfo[], data: readonly Datum[] | undefined): boolean =>
  data !== undefined && columns.length > 0 && columns.every((column, i) => data[i]?.VarCharValue === column.Name);

/** Runs SQL in one workgroup against one Glue database. */
export class AthenaQueryEngine implements QueryEngine {
  private readonly pageSize: number;

  /** `athena` is a configured client. */
  public constructor(
    private readonly athena: AthenaClient,
    private readonly options: AthenaQueryEngineOptions,
  ) {
    this.pageSize = options.pageSize ?? 1000;
  }

  /** Starts the query and returns Athena's query execution id. */
  public async start(sql: string): Promise<string> {
    const response = await this.call('StartQueryExecution', () =>
      this.athena.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          WorkGroup: this.options.workGroup,
          QueryExecutionContext: { Database: this.options.database },
        }),
      ),
    );
    if (!response.QueryExecutionId) throw new QueryFailedError('Athena StartQueryExecution returned no QueryExecutionId');
    return response.QueryExecutionId;
  }

  /** QUEUED or RUNNING is running; FAILED or CANCELLED is failed with Athena's reason. */
  public async status(queryId: string): Promise<{ state: JobState; reason?: string | undefined }> {
    const response = await this.call('GetQueryExecution', () =>
      this.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: queryId })),
    );
    const status = response.QueryExecution?.Status;
    switch (status?.State) {
      case 'SUCCEEDED':
        return { state: 'succeeded' };
      case 'FAILED':
      case 'CANCELLED': {
        const reason = status.AthenaError?.ErrorMessage ?? status.StateChangeReason ?? 'no reason given';
        return { state: 'failed', reason: `Athena query ${queryId} ${status.State}: ${reason}` };
      }
      default:
        return { state: 'running' };
    }
  }

  /** Every row of a succeeded query, following NextToken; the header row of the first page is skipped. */
  public async results(queryId: string): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    let columns: ColumnInfo[] | undefined;
    let token: string | undefined;
    let first = true;
    do {
      const page = await this.call('GetQueryResults', () =>
        this.athena.send(new GetQueryResultsCommand({ QueryExecutionId: queryId, MaxResults: this.pageSize, NextToken: token })),
      );
      columns ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      const pageRows = page.ResultSet?.Rows ?? [];
      // A SELECT's first row repeats the column names; a DDL statement's (SHOW ...) does not.
      const header = first && isHeader(columns, pageRows[0]?.Data);
      for (const row of header ? pageRows.slice(1) : pageRows) {
        const data = row.Data ?? [];
        rows.push(Object.fromEntries(columns.map((column, i) => [column.Name ?? `_col${i}`, typedValue(column, data[i])])));
      }
      first = false;
      token = page.NextToken;
    } while (token !== undefined);
    return rows;
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const where = `Athena ${operation} in workgroup ${this.options.workGroup} failed: ${awsErrorName(error)}: ${awsErrorMessage(error)}`;
      // InvalidRequestException is Athena's answer to bad SQL or a query that did not succeed.
      if (awsErrorName(error) === 'InvalidRequestException') throw new QueryFailedError(where, { cause: error });
      if (isTransientAwsError(error)) throw new AwsUnavailableError(where, { cause: error });
      throw new Error(where, { cause: error });
    }
  }
}
