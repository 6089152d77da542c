/**
 * `spotify-etl query` as a reader only. DuckDB's own parser decides what a statement is, and
 * DuckDB's file-access settings keep file functions to the Parquet files the table views read, so
 * neither a write nor a read of the lake's 0600 state files gets through.
 *
 * The two guards cover for each other: DuckDB's `allowed_paths` lets a statement *write* an allowed
 * file as well as read it (`COPY … TO` a published Parquet file with `use_tmp_file false` succeeds),
 * so only the statement check stops that; and a SELECT can call file functions
 * (`read_text('/etc/passwd')`), which only the confinement stops.
 */
import { analystViews } from '../../core/analyst-views';
import { StatementType, type DuckDBConnection, type DuckDBPreparedStatement, type DuckDBResultReader } from '@duckdb/node-api';
import { sqlString } from '../../core/checks';
import { QueryFailedError } from '../../core/errors';
import { tableNames } from '../../core/tables';

/** What `query` runs, as a person would write it. */
export const readStatements = 'SELECT, WITH, DESCRIBE, SHOW, EXPLAIN, SUMMARIZE';

const refusal = (what: string): QueryFailedError =>
  new QueryFailedError(`only read statements are allowed (${readStatements}); ${what}`);

// DuckDB parses WITH, VALUES, TABLE, FROM, DESCRIBE, SHOW, SUMMARIZE and the reading PRAGMAs
// (table_info, show_tables, version) into SELECT; EXPLAIN is checked by what it explains.
const readTypes: ReadonlySet<StatementType> = new Set([StatementType.SELECT, StatementType.EXPLAIN]);

// Statement types whose enum name is not the keyword a person typed.
const keywords: Partial<Record<StatementType, string>> = {
  [StatementType.LOAD]: 'INSTALL or LOAD',
  [StatementType.SET]: 'SET, RESET or USE',
  [StatementType.VARIABLE_SET]: 'SET VARIABLE',
  [StatementType.CALL]: 'CALL or CHECKPOINT',
  [StatementType.TRANSACTION]: 'BEGIN, COMMIT or ROLLBACK',
  [StatementType.EXPORT]: 'EXPORT DATABASE',
  [StatementType.COPY_DATABASE]: 'COPY FROM DATABASE',
  [StatementType.VACUUM]: 'VACUUM or ANALYZE',
  [StatementType.MERGE_INTO]: 'MERGE INTO',
  [StatementType.UPDATE_EXTENSIONS]: 'UPDATE EXTENSIONS',
  [StatementType.CREATE_FUNC]: 'CREATE FUNCTION',
};
const keyword = (type: StatementType): string => keywords[type] ?? StatementType[type] ?? `statement type ${type}`;

const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';

/**
 * Whether every statement of `sql` parses as a SELECT, asked of DuckDB's parser alone (no binding),
 * for statements whose binding failed before their type could be read.
 */
const parsesAsSelects = async (connection: DuckDBConnection, sql: string): Promise<boolean> => {
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR)::JSON->>\'$.error\' AS error', [sql]);
  return reader.getRowObjectsJS()[0]?.['error'] === 'false';
};

/** Skips white space and SQL comments from `at`. */
const skipBlank = (sql: string, at: number): number => {
  for (;;) {
    while (at < sql.length && /\s/.test(sql[at] ?? '')) at += 1;
    if (sql.startsWith('--', at)) {
      const end = sql.indexOf('\n', at);
      at = end < 0 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', at)) {
      const end = sql.indexOf('*/', at + 2);
      if (end < 0) return sql.length;
      at = end + 2;
    } else {
      return at;
    }
  }
};

/**
 * The first keyword of a single statement that DuckDB's parser says is no SELECT, to name it in
 * the refusal; undefined when that word would be a read's (`WITH … INSERT`).
 */
const firstWord = (sql: string): string | undefined => {
  const word = /^[A-Za-z]+/.exec(sql.slice(skipBlank(sql, 0)))?.[0]?.toUpperCase();
  return word === undefined || readStatements.split(', ').includes(word) ? undefined : word;
};

/**
 * The text of the statement an EXPLAIN explains: what follows `EXPLAIN`, an optional `ANALYZE`
 * and `VERBOSE`, or one option list in parentheses. Only locating is done here; DuckDB then
 * parses the rest. Anything unexpected gives undefined, and the EXPLAIN is refused.
 */
export const explainedText = (sql: string): string | undefined => {
  let at = skipBlank(sql, 0);
  const word = (name: string): boolean =>
    sql.slice(at, at + name.length).toLowerCase() === name && !/[\w$]/.test(sql[at + name.length] ?? '');
  if (!word('explain')) return undefined;
  at = skipBlank(sql, at + 'explain'.length);
  if (sql[at] === '(') {
    const close = sql.indexOf(')', at);
    // Options are words and commas; a quote, a comment or a nested parenthesis is not guessed at.
    if (close < 0 || /['"(/-]/.test(sql.slice(at + 1, close))) return undefined;
    return sql.slice(close + 1);
  }
  for (const name of ['analyze', 'analyse', 'verbose']) {
    if (word(name)) at = skipBlank(sql, at + name.length);
  }
  return sql.slice(at);
};

/** Refuses an EXPLAIN unless it explains exactly one SELECT: EXPLAIN ANALYZE runs what it explains. */
const assertExplainsRead = async (connection: DuckDBConnection, sql: string): Promise<void> => {
  const inner = explainedText(sql);
  if (inner === undefined) throw refusal('could not find the statement this EXPLAIN explains; write EXPLAIN [ANALYZE] SELECT …');
  const extracted = await connection.extractStatements(inner);
  if (extracted.count !== 1) throw refusal('EXPLAIN explains one SELECT');
  const type = (await extracted.prepare(0)).statementType;
  if (type !== StatementType.SELECT) throw refusal(`got EXPLAIN of ${keyword(type)}`);
};

/**
 * The statements of `sql`, prepared and checked to be reads; anything else is refused with a
 * QueryFailedError naming what is allowed and what it got. Parse and bind errors of a read come
 * back as DuckDB's message. Call it after {@link confineTo}: parsing `IMPORT DATABASE` reads files.
 */
export const assertReadOnly = async (connection: DuckDBConnection, sql: string): Promise<DuckDBPreparedStatement[]> => {
  const extracted = await connection.extractStatements(sql).catch((error: unknown) => {
    // What the bindings say for text with no statement in it (empty, or only a comment).
    throw firstLine(error) === 'Error in native callback' ? refusal('got no statement') : error;
  });
  const prepared: DuckDBPreparedStatement[] = [];
  for (let index = 0; index < extracted.count; index += 1) {
    const which = extracted.count > 1 ? ` (statement ${index + 1} of ${extracted.count})` : '';
    let statement: DuckDBPreparedStatement;
    try {
      statement = await extracted.prepare(index);
    } catch (error) {
      // An UPDATE of a view, or a COPY to a file the confinement keeps out, fails to bind before
      // its type can be read. DuckDB's parser still tells a SELECT from anything else.
      if (await parsesAsSelects(connection, sql)) throw error;
      const word = extracted.count === 1 ? firstWord(sql) : undefined;
      throw refusal(word !== undefined ? `got ${word}` : `DuckDB could not prepare this one${which}: ${firstLine(error)}`);
    }
    if (!readTypes.has(statement.statementType)) throw refusal(`got ${keyword(statement.statementType)}${which}`);
    if (statement.statementType === StatementType.EXPLAIN) {
      if (extracted.count > 1) throw refusal(`EXPLAIN must be the only statement${which}`);
      await assertExplainsRead(connection, sql);
    }
    prepared.push(statement);
  }
  if (prepared.length === 0) throw refusal('got no statement');
  return prepared;
};

/**
 * Checks `sql` with {@link assertReadOnly} and runs exactly the statements it checked; the last
 * one's rows. A file the confinement kept out is refused in one line saying what can be read.
 */
export const runReadOnly = async (connection: DuckDBConnection, sql: string): Promise<DuckDBResultReader> => {
  try {
    let reader: DuckDBResultReader | undefined;
    for (const statement of await assertReadOnly(connection, sql)) reader = await statement.runAndReadAll();
    if (reader === undefined) throw refusal('got no statement');
    return reader;
  } catch (error) {
    if (!firstLine(error).startsWith('Permission Error')) throw error;
    throw new QueryFailedError(
      `only the lake's published tables can be read (${tableNames.join(', ')}; views ${analystViews.map((view) => view.name).join(', ')}), no other file: ${firstLine(error)}`,
      { cause: error },
    );
  }
};

/**
 * Confines `connection`'s whole DuckDB instance to reading `files`: external access off except
 * those exact paths (and `spillFolder`, DuckDB's temporary folder: '' for none), then the configuration locked so no SET or RESET can undo it. Views created
 * before keep working as long as they read only `files`. The instance cannot be reconfigured
 * afterwards: give it its own instance.
 */
export const confineTo = async (connection: DuckDBConnection, files: readonly string[], spillFolder = ''): Promise<void> => {
  // DuckDB allows its temporary folder besides (by default `.tmp` below where it runs, which run
  // from the lake is the lake's own folder of half-written puts): a folder of the caller's, or none.
  await connection.run(`SET temp_directory = ${sqlString(spillFolder)}`);
  await connection.run(`SET allowed_paths = [${files.map(sqlString).join(', ')}]`);
  await connection.run('SET enable_external_access = false');
  await connection.run('SET lock_configuration = true');
};
