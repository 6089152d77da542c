/**
 * The report of a local lake: the published tables read through the same read-only DuckDB
 * engine as `spotify-etl query`, the run health from the dates' manifests, drawn into one HTML
 * file with the charting library inlined.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FsBlobStore } from '../../adapters/local/fs-blob-store';
import { dateOfManifestKey, runManifestsPrefix } from '../../core/lake/keys';
import type { RunManifest } from '../../core/lake/manifest';
import { findManifest } from '../../core/manifests';
import type { ArtistRow, ChangeRow, ExplicitRow, ReleaseYearRow, ReportData, SizeRow } from '../../core/report/charts';
import { healthRows } from '../../core/report/health';
import { renderReport } from '../../core/report/page';
import {
  explicitShareSql,
  playlistChangesSql,
  playlistSizesSql,
  releaseYearsSql,
  topArtistsSql,
  type ReportRange,
} from '../../core/report/queries';
import { tableNames } from '../../core/tables';
import { lakeReader, type LakeReader, type RunSummary } from './summary';

/** Where `npm start` and `report` put the report by default, below the lake. */
export const defaultReportKey = 'reports/latest.html';

/** The table the changes chart reads; it arrives with playlist history. */
const changesTable = 'playlist_changes';

// ECharts' prebuilt bundle of its common charts (line, bar, pie, scatter) and components: one
// file that needs nothing else, about 700 KB.
const libraryPath = (): string => createRequire(import.meta.url).resolve('echarts/dist/echarts.common.min.js');

const manifestsOf = async (lake: string): Promise<RunManifest[]> => {
  const store = new FsBlobStore(lake);
  const manifests: RunManifest[] = [];
  for (const key of await store.list(runManifestsPrefix)) {
    const date = dateOfManifestKey(key);
    if (date === undefined) continue;
    const found = await findManifest(store, date);
    // A damaged manifest is named on stderr by the query engine, which reads the same ones.
    if (found.state === 'present') manifests.push(found.manifest);
  }
  return manifests;
};

/**
 * Reads everything the report shows. One read-only engine answers every query, so all charts
 * show the lake as it was at the first one: `reader`'s when given (a run shares its summary's),
 * else one of its own.
 */
export const collectReport = async (
  lake: string,
  range: ReportRange,
  now: Date,
  onWarning?: (message: string) => void,
  reader?: LakeReader,
): Promise<ReportData> => {
  const own = reader === undefined ? lakeReader(lake, onWarning) : undefined;
  try {
    const rows = async <T>(sql: string): Promise<T[]> => (await (reader ?? own)?.query(sql)) as T[];
    const sizes = await rows<SizeRow>(playlistSizesSql(range));
    const latestDate = sizes.map((row) => row.snapshot_date).toSorted().at(-1) ?? null;
    const onLatest = async <T>(sql: (date: string) => string): Promise<T[]> => (latestDate === null ? [] : rows<T>(sql(latestDate)));
    return {
      lake,
      range,
      generatedAt: now.toISOString(),
      latestDate,
      sizes,
      changes: (tableNames as readonly string[]).includes(changesTable) ? await rows<ChangeRow>(playlistChangesSql(range)) : null,
      artists: await onLatest<ArtistRow>(topArtistsSql),
      releaseYears: await onLatest<ReleaseYearRow>(releaseYearsSql),
      explicit: await onLatest<ExplicitRow>(explicitShareSql),
      health: healthRows(await manifestsOf(lake), range),
    };
  } finally {
    await own?.close();
  }
};

/** Writes the report of `lake` to `out` (whole: a temporary file renamed into place) and returns `out`. */
export const writeReport = async (
  lake: string,
  out: string,
  options: { readonly range?: ReportRange; readonly now?: Date; readonly onWarning?: (message: string) => void; readonly reader?: LakeReader } = {},
): Promise<string> => {
  const data = await collectReport(lake, options.range ?? {}, options.now ?? new Date(), options.onWarning, options.reader);
  const html = renderReport(data, await readFile(libraryPath(), 'utf8'));
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
 * The run's summary with the report written after it (`npm start`, every `run` that succeeded).
 * A failed run changed nothing published, so the last report still shows what readers see; and
 * its summary says its error once, without a second line about a report (on a full disk, say).
 * The run's outcome stands whatever happens here: a report that cannot be written is a warning.
 */
export const withReport = async (summary: RunSummary, onWarning: (message: string) => void, reader?: LakeReader): Promise<RunSummary> => {
  if (summary.status !== 'succeeded' || summary.dates.length === 0) return summary;
  try {
    return { ...summary, report: await writeReport(summary.lake, join(summary.lake, defaultReportKey), { onWarning, ...(reader ? { reader } : {}) }) };
  } catch (error) {
    onWarning(`the report could not be written (${error instanceof Error ? error.message : String(error)}); the run's data is unaffected: try \`spotify-etl report --lake ${summary.lake}\``);
    return summary;
  }
};
