/**
 * The report of a local lake on demand (`spotify-etl report`): the published tables read through
 * the same read-only DuckDB engine as `spotify-etl query`, the run health from the dates'
 * manifests (core/report/collect.ts, which the WriteReport step shares), drawn into one HTML file
 * with the charting library inlined. After a run, the WriteReport step has written the lake's
 * `reports/latest.html` already; this module only points the summary at it.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readChartLibrary } from '../../adapters/charts/echarts-library';
import { FsBlobStore } from '../../adapters/local/fs-blob-store';
import { latestReportKey, reportsPrefix } from '../../core/lake/keys';
import type { ReportData } from '../../core/report/charts';
import { collectReport, lakeHealth } from '../../core/report/collect';
import { renderReport } from '../../core/report/page';
import type { ReportRange } from '../../core/report/queries';
import { lakeReader } from './lake-reader';
import type { RunSummary } from './summary';

/**
 * Where `npm start` and `report` put the report by default, below the lake: the latest report,
 * which every run rewrites, or for some dates a file of its own, so a report of a range does not
 * stand in for the lake's latest one until the next run.
 */
export const defaultReportKey = (range: ReportRange = {}): string =>
  range.from === undefined && range.to === undefined ? latestReportKey : `${reportsPrefix}range-${range.from ?? 'first'}--${range.to ?? 'last'}.html`;

/**
 * Reads everything the report shows. One read-only engine answers every query, so all charts
 * show the lake as it was at the first one.
 */
export const collectLocalReport = async (
  lake: string,
  range: ReportRange,
  now: Date,
  onWarning?: (message: string) => void,
  signal?: AbortSignal,
): Promise<ReportData> => {
  // One reader (DuckDB loads on its first query, not with the run command's code); a damaged
  // manifest is named on stderr by its query engine, which reads the same ones.
  const reader = lakeReader(lake, onWarning, true, signal);
  try {
    return await collectReport({ rows: (sql) => reader.query(sql), health: () => lakeHealth(new FsBlobStore(lake)), lake }, range, now);
  } finally {
    await reader.close();
  }
};

/** Writes the report of `lake` to `out` (whole: a temporary file renamed into place) and returns `out`. */
export const writeReport = async (
  lake: string,
  out: string,
  options: { readonly range?: ReportRange; readonly now?: Date; readonly onWarning?: (message: string) => void; readonly signal?: AbortSignal } = {},
): Promise<string> => {
  const data = await collectLocalReport(lake, options.range ?? {}, options.now ?? new Date(), options.onWarning, options.signal);
  const html = renderReport(data, await readChartLibrary());
  await mkdir(dirname(out), { recursive: true });
  const temporary = join(dirname(out), `.${process.pid}-${Date.now()}.html.tmp`);
  try {
    await writeFile(temporary, html);
    await rename(temporary, out);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return out;
};

/**
 * The run's summary with the report the run's WriteReport step wrote (`npm start`, every `run`
 * that succeeded, a backfill that skipped every date too: the step runs after every RecordRun). A
 * run succeeds only once that step has written it; a failed run changed nothing published, or
 * failed for want of a report (ReportNotWrittenError), and names no report.
 */
export const withReport = (summary: RunSummary): RunSummary => {
  const report = join(summary.lake, defaultReportKey());
  return summary.status === 'succeeded' && existsSync(report) ? { ...summary, report } : summary;
};
