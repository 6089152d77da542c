/**
 * Everything the report shows, read once for both places it is drawn: `spotify-etl report` (a
 * read-only DuckDB engine) and the WriteReport step (the pipeline's QueryEngine: Athena in AWS,
 * DuckDB locally). The same SQL (queries.ts) runs on both; the run health comes from the dates'
 * manifests through the lake's BlobStore.
 */
import type { IsoDate } from '../dates';
import { dateOfManifestKey, runManifestsPrefix } from '../lake/keys';
import { findManifest } from '../manifests';
import type { BlobStore, QueryEngine } from '../ports';
import { readAhead } from '../read-ahead';
import { tableNames } from '../tables';
import type { ArtistRow, ChangeRow, ExplicitRow, ReleaseYearRow, ReportData, SizeRow } from './charts';
import { healthOf, healthRows, type HealthRow } from './health';
import { explicitShareSql, playlistChangesSql, playlistSizesSql, releaseYearsSql, topArtistsSql, type ReportRange } from './queries';

/** Runs one query to its end and returns its rows. */
export type ReportRows = (sql: string) => Promise<Record<string, unknown>[]>;

/** The table the changes chart reads; it arrives with playlist history. */
const changesTable = 'playlist_changes';

/** How many manifests are read at once for the run health: enough to hide S3's latency, few enough to hold. */
export const manifestReadDepth = 8;

/**
 * The health of every readable manifest of the lake, in date order (a damaged manifest is
 * reported by whoever reads its date's data). Eight are read at a time and each is reduced to its
 * health row as it arrives, so at most those eight are held whole: a year of manifests of 10,000
 * playlists each, kept, would not fit a Lambda.
 */
export const lakeHealth = async (store: BlobStore): Promise<HealthRow[]> => {
  const dates = (await store.list(runManifestsPrefix)).map(dateOfManifestKey).filter((date) => date !== undefined);
  const health: HealthRow[] = [];
  const healthOfDate = async (date: IsoDate): Promise<HealthRow | undefined> => {
    const found = await findManifest(store, date);
    return found.state === 'present' ? healthOf(found.manifest) : undefined;
  };
  for await (const row of readAhead(dates, manifestReadDepth, healthOfDate)) if (row !== undefined) health.push(row);
  return health;
};

/**
 * {@link lakeHealth}, read on the first call and shared by the later ones: WriteReport draws two
 * reports of a backfill (the latest and the one as of its date) from one reading of the manifests.
 */
export const healthReadOnce = (store: BlobStore): (() => Promise<readonly HealthRow[]>) => {
  let read: Promise<HealthRow[]> | undefined;
  return () => (read ??= lakeHealth(store));
};

/** What a report is read from and how it is labelled. */
export interface ReportSource {
  /** Runs the report's SQL over the published tables. */
  readonly rows: ReportRows;
  /** The run health of every date of the lake, from its manifests ({@link lakeHealth}). */
  readonly health: () => Promise<readonly HealthRow[]>;
  /** How the page names the lake: a folder, or `s3://bucket`. */
  readonly lake: string;
}

/**
 * Reads the report of `range`: the sizes first (they give the latest published date), then the
 * per-date charts of that date, all at once.
 */
export const collectReport = async (source: ReportSource, range: ReportRange, now: Date): Promise<ReportData> => {
  const rows = async <T>(sql: string): Promise<T[]> => (await source.rows(sql)) as T[];
  const [sizes, health] = await Promise.all([rows<SizeRow>(playlistSizesSql(range)), source.health()]);
  const latestDate: IsoDate | null = sizes.map((row) => row.snapshot_date).toSorted().at(-1) ?? null;
  const onLatest = async <T>(sql: (date: IsoDate) => string): Promise<T[]> => (latestDate === null ? [] : rows<T>(sql(latestDate)));
  const [changes, artists, releaseYears, explicit] = await Promise.all([
    (tableNames as readonly string[]).includes(changesTable) ? rows<ChangeRow>(playlistChangesSql(range)) : Promise.resolve(null),
    onLatest<ArtistRow>(topArtistsSql),
    onLatest<ReleaseYearRow>(releaseYearsSql),
    onLatest<ExplicitRow>(explicitShareSql),
  ]);
  return { lake: source.lake, range, generatedAt: now.toISOString(), latestDate, sizes, changes, artists, releaseYears, explicit, health: healthRows(health, range) };
};

/** How often a query is asked for its state: soon at first (DuckDB answers in milliseconds), then at most every 2 s (Athena). */
export const queryPollDelaysMs = { first: 100, factor: 2, max: 2000 } as const;

/**
 * {@link ReportRows} over a QueryEngine port: start, poll until done, read the rows. A failed
 * query throws the engine's QueryFailedError; `sleep` is injectable so tests do not wait.
 */
export const engineRows =
  (engine: QueryEngine, fail: (reason: string) => Error, sleep: (ms: number) => Promise<void> = (ms) => new Promise((done) => setTimeout(done, ms))): ReportRows =>
  async (sql) => {
    const id = await engine.start(sql);
    for (let delay: number = queryPollDelaysMs.first; ; delay = Math.min(delay * queryPollDelaysMs.factor, queryPollDelaysMs.max)) {
      const status = await engine.status(id);
      if (status.state === 'succeeded') return engine.results(id);
      if (status.state === 'failed') throw fail(status.reason ?? `query ${id} failed without a reason`);
      await sleep(delay);
    }
  };
