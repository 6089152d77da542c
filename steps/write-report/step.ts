/**
 * WriteReport's logic: after RecordRun has published the run's dates, the report of the lake is
 * drawn from the published tables (the pipeline's QueryEngine: Athena in AWS, DuckDB locally,
 * the same SQL) and the dates' manifests, and written to reports/latest.html and, for the run's
 * last published date D, reports/snapshot_date=D/index.html (the report as of D). The dates are
 * published whatever happens here: a failure other than a transient one is ReportNotWritten,
 * which the machine catches without marking any date failed.
 */
import type { IsoDate } from '../../core/dates';
import { AwsUnavailableError, QueryFailedError, ReportNotWrittenError, StorageUnavailableError } from '../../core/errors';
import { datedReportKey, latestReportKey } from '../../core/lake/keys';
import type { BlobStore, Clock, QueryEngine } from '../../core/ports';
import { collectReport, engineRows, healthReadOnce, type ReportSource } from '../../core/report/collect';
import { renderReport } from '../../core/report/page';
import type { WriteReportInput, WriteReportOutput } from './contract';

/** What WriteReport needs: the lake and its name, its query engine, the time and the charting library. */
export interface WriteReportDeps {
  readonly store: BlobStore;
  /** How the page names the lake, as `spotify-etl report` does: its folder locally, `s3://<bucket>` on AWS. */
  readonly lakeName: string;
  readonly queries: QueryEngine;
  readonly clock: Clock;
  readonly chartLibrary: () => Promise<string>;
  /** Waits between polls of a query. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

const isTransient = (error: unknown): boolean => error instanceof AwsUnavailableError || error instanceof StorageUnavailableError;

/**
 * What a failed report says of the run's published dates: their count and range, not each one,
 * as the message travels in the run's state, whose room a backfill's 366 dates already fill.
 * @example publishedDatesPhrase(['2026-11-19', '2026-11-20']) // "the run's 2 dates 2026-11-19 to 2026-11-20 are published and stay so"
 */
export const publishedDatesPhrase = (published: readonly IsoDate[]): string => {
  const dates = published.toSorted();
  const [first, last] = [dates[0], dates.at(-1)];
  if (first === undefined || last === undefined) return 'the run published no date';
  if (dates.length === 1) return `the run's date ${first} is published and stays so`;
  return `the run's ${dates.length.toLocaleString('en-US')} dates ${first} to ${last} are published and stay so`;
};

/** Writes the latest report and the one of the run's last published date; returns their keys. */
export const runWriteReport =
  (deps: WriteReportDeps) =>
  async ({ published }: WriteReportInput): Promise<WriteReportOutput> => {
    const source: ReportSource = {
      rows: engineRows(deps.queries, (reason) => new QueryFailedError(reason), deps.sleep),
      health: healthReadOnce(deps.store),
      lake: deps.lakeName,
    };
    const date: IsoDate | undefined = published.toSorted().at(-1);
    try {
      const now = deps.clock.now();
      const library = await deps.chartLibrary();
      const latest = await collectReport(source, {}, now);
      await deps.store.put(latestReportKey, renderReport(latest, library));
      if (date === undefined) return { latest: latestReportKey, dated: null };
      // A daily run's date is the lake's latest: its dated report is the same page, not a second set of queries.
      const asOfDate = latest.latestDate === date ? latest : await collectReport(source, { to: date }, now);
      await deps.store.put(datedReportKey(date), renderReport(asOfDate, library));
      return { latest: latestReportKey, dated: datedReportKey(date) };
    } catch (error) {
      if (isTransient(error)) throw error;
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new ReportNotWrittenError(`The report was not written; ${publishedDatesPhrase(published)}: ${reason}`, { cause: error });
    }
  };
