/**
 * `spotify-etl query "<SQL>" [--lake DIR] [--json]`: SQL over the lake's curated tables with
 * DuckDB, through the catalog the last run's crawl recorded (the local Athena). Read statements
 * only, and no file but the tables' Parquet (adapters/local/read-only-sql.ts).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { QueryFailedError } from '../../core/errors';
import { parseOptions, UsageError, type Command } from '../command';
import { queryLake } from '../local/lake-reader';
import { formatRows } from '../local/text';

/** Runs one query and prints its rows. */
export const query: Command = async (args, io) => {
  const { values, positionals } = parseOptions(args, { lake: { type: 'string' }, json: { type: 'boolean' } }, true);
  if (positionals.length !== 1 || positionals[0]?.trim() === '') {
    throw new UsageError('query takes one SQL statement in quotes, e.g. spotify-etl query "select count(*) as n from playlist_items"');
  }
  const lake = resolve(io.cwd, values.lake ?? 'lake');
  if (!existsSync(lake)) {
    io.err.write(`spotify-etl query: there is no lake at ${lake}; run \`spotify-etl run\` first, or point --lake at one\n`);
    return 1;
  }
  try {
    const rows = await queryLake(lake, positionals[0] ?? '', (warning) => io.err.write(`spotify-etl query: ${warning}\n`));
    io.out.write(values.json ? `${JSON.stringify(rows)}\n` : formatRows(rows));
    return 0;
  } catch (error) {
    if (!(error instanceof QueryFailedError)) throw error;
    io.err.write(`spotify-etl query: ${error.message}\n`);
    return 1;
  }
};

/** `spotify-etl query --help`. */
export const queryHelp = `usage: spotify-etl query "<SQL>" [--lake DIR] [--json]

One read statement (SELECT, WITH …) over the lake's curated tables (playlists, playlist_items,
songs, albums, artists, song_artists, album_artists): DuckDB over the published Parquet only.

  --lake DIR  the lake (default ./lake)
  --json      print the rows as a JSON array
  --help      this help

e.g. spotify-etl query "select count(*) as n from playlist_items" --json`;
