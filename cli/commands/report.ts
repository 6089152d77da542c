/**
 * `spotify-etl report [--lake DIR] [--from D --to D] [--out FILE]`: one self-contained HTML page
 * of the lake's published data and run health (cli/local/report.ts), written to FILE (by default
 * `<lake>/reports/latest.html`); its path is the last line on stdout.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lakeFolderOption, localPathOption } from '../local/lake-folder';
import { isIsoDate } from '../../core/dates';
import { QueryFailedError } from '../../core/errors';
import type { ReportRange } from '../../core/report/queries';
import { parseOptions, UsageError, type Command } from '../command';
import { explainedFailure } from '../local/lake-reader';
import { defaultReportKey, writeReport } from '../local/report';

const options = { lake: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' } } as const;

const dateOption = (name: string, value: string | undefined): string | undefined => {
  if (value !== undefined && !isIsoDate(value)) throw new UsageError(`${name} must be a date like 2026-11-20, got "${value}"`);
  return value;
};

/** The dates the options select; either end may be left open. */
export const reportRangeOf = (values: { from?: string | undefined; to?: string | undefined }): ReportRange => {
  const range = { from: dateOption('--from', values.from), to: dateOption('--to', values.to) };
  if (range.from !== undefined && range.to !== undefined && range.from > range.to) {
    throw new UsageError(`--from ${range.from} is after --to ${range.to}; give the earlier date first`);
  }
  return range;
};

/** Writes the report and prints where it is. */
export const report: Command = async (args, io) => {
  const { values } = parseOptions(args, options);
  const range = reportRangeOf(values);
  const lake = lakeFolderOption(io.cwd, values.lake);
  const out = values.out === undefined ? join(lake, defaultReportKey(range)) : localPathOption('--out', io.cwd, values.out);
  if (!existsSync(lake)) {
    io.err.write(`spotify-etl report: there is no lake at ${lake}; run \`spotify-etl run\` first, or point --lake at one\n`);
    return 1;
  }
  // Ctrl-C, SIGTERM or SIGHUP: the entry point takes the signals, so the report ends only when told.
  const stop = new AbortController();
  void io.stopped.then(() => stop.abort());
  try {
    await writeReport(lake, out, { range, onWarning: (warning) => io.err.write(`spotify-etl report: ${warning}\n`), signal: stop.signal });
  } catch (error) {
    if (stop.signal.aborted) {
      io.err.write('spotify-etl report: stopped; nothing was written\n');
      return 130;
    }
    if (error instanceof QueryFailedError) {
      io.err.write(`spotify-etl report: ${explainedFailure(error.message, lake)}\n`);
      return 1;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw error;
    io.err.write(`spotify-etl report: cannot write ${out} (${code}); point --out at a file in a folder you may write\n`);
    return 1;
  }
  io.out.write(`${out}\n`);
  return 0;
};

/** `spotify-etl report --help`. */
export const reportHelp = `usage: spotify-etl report [--lake DIR] [--from D --to D] [--out FILE]

One self-contained HTML page (no network: the charting library, styles and data are inside it)
of the lake's published data and run health: playlist sizes over time, entries added and
removed, top artists, release years, explicit share, and checks, rejects and duration per date.
Reads the published tables through the same read-only engine as \`query\`, and the manifests.
Prints the file's path as the last line.

  --lake DIR   the lake (default ./lake)
  --from D     the first date to show (YYYY-MM-DD; default the first there is)
  --to D       the last date to show (default the last there is)
  --out FILE   where to write it (default <lake>/reports/latest.html, or with --from or --to
               <lake>/reports/range-<from>--<to>.html, "first" or "last" for an open end)
  --help       this help

e.g. spotify-etl report --from 2026-11-01 --out /tmp/november.html`;
