/**
 * `spotify-etl query "<SQL>" [--lake DIR] [--json]`: SQL over the lake's curated tables with
 * DuckDB, through the catalog the last run's crawl recorded (the local Athena). Read statements
 * only, and no file but the tables' Parquet (adapters/local/read-only-sql.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lakeFolderOption } from '../local/lake-folder';
import { analystViews } from '../../core/analyst-views';
import { QueryFailedError } from '../../core/errors';
import { runManifestsPrefix } from '../../core/lake/keys';
import { tableNames } from '../../core/tables';
import { parseOptions, UsageError, type Command } from '../command';
import { explainedFailure, queryLake } from '../local/lake-reader';
import { formatRows } from '../local/text';

/** Runs one query and prints its rows. */
export const query: Command = async (args, io) => {
  // SQL pasted with its comment first (`-- top artists⏎select …`) starts with two dashes, as an
  // option does; no option has white space after them, so such an argument is the statement,
  // unless it is the value of `--lake` (a folder may be named so).
  const isCommentedSql = (arg: string, index: number): boolean => /^--\s/.test(arg) && args[index - 1] !== '--lake';
  const parsed = parseOptions(args.filter((arg, index) => !isCommentedSql(arg, index)), { lake: { type: 'string' }, json: { type: 'boolean' } }, true);
  const { values } = parsed;
  const positionals = [...args.filter(isCommentedSql), ...parsed.positionals];
  if (positionals.length !== 1 || positionals[0]?.trim() === '') {
    throw new UsageError('query takes one SQL statement in quotes, e.g. spotify-etl query "select count(*) as n from playlist_items"');
  }
  const lake = lakeFolderOption(io.cwd, values.lake);
  if (!existsSync(lake)) {
    io.err.write(`spotify-etl query: there is no lake at ${lake}; run \`spotify-etl run\` first, or point --lake at one\n`);
    return 1;
  }
  // Every table of a folder no run has written to answers empty: said, since `--lake` pointing at
  // the wrong folder (the lake's parent, its curated/) looks like a lake with no rows.
  if (!existsSync(join(lake, runManifestsPrefix))) {
    io.err.write(`spotify-etl query: ${lake} holds no run (no ${runManifestsPrefix} folder), so every table is empty; run \`spotify-etl run\` first, or point --lake at a lake\n`);
  }
  // Ctrl-C, SIGTERM or SIGHUP: the entry point takes the signals, so a query ends only when told.
  const stop = new AbortController();
  void io.stopped.then(() => stop.abort());
  try {
    const rows = await queryLake(lake, positionals[0] ?? '', (warning) => io.err.write(`spotify-etl query: ${warning}\n`), stop.signal);
    io.out.write(values.json ? `${JSON.stringify(rows)}\n` : formatRows(rows));
    return 0;
  } catch (error) {
    if (stop.signal.aborted) {
      io.err.write('spotify-etl query: stopped\n');
      return 130;
    }
    if (!(error instanceof QueryFailedError)) throw error;
    io.err.write(`spotify-etl query: ${explainedFailure(error.message, lake)}\n`);
    return 1;
  }
};

/** `spotify-etl query --help`. */
export const queryHelp = `usage: spotify-etl query "<SQL>" [--lake DIR] [--json]

One read statement (SELECT, WITH, DESCRIBE, SHOW, EXPLAIN, SUMMARIZE) over what the lake has
published, DuckDB over the published Parquet only; SQL that opens with a comment and a space
(-- …) is the statement, not an option.

  tables  ${tableNames.join(', ')}
  views   ${analystViews.map((view) => view.name).join(', ')} (the analysts')

  --lake DIR  the lake (default ./lake)
  --json      print the rows as a JSON array
  --help      this help

e.g. spotify-etl query "select count(*) as n from playlist_items" --json`;
