/**
 * Everything the report shows, read once for both places it is drawn: `spotify-etl report` (a
 * read-only DuckDB engine) and the WriteReport step (the pipeline's QueryEngine: Athena in AWS,
 * DuckDB locally). The same SQL (queries.ts) runs on both; the run health comes from the dates'
 * manifests through the lake's BlobStore.
 */
import type { IsoDate } from '../dates';
import { dateOfManifestKey, runManifestsPrefix } from '../lake/keys';
import type { RunManifest } from '../lake/manifest';
import { findManifest } from '../manifests';
import type { BlobStore, QueryEngine } from '../ports';
import { tableNames } from '../tables';
import type { ArtistRow, ChangeRow, ExplicitRow, ReleaseYearRow, ReportData, SizeRow } from './charts';
import { healthRows } from './health';
import { explicitShareSql, playlistChangesSql, playlistSizesSql, releaseYearsSql, topArtistsSql, type ReportRange } from './queries';

/** Runs one query to its end and returns its rows. */
export type ReportRows = (sql: string) => Promise<Record<string, unknown>[]>;

/** The table the changes chart reads; it arrives with playlist history. */
const changesTable = 'playlist_changes';

/** Every readable manifest of the lake (a damaged one is reported by whoever reads its date's data). */
export const lakeManifests = async (store: BlobStore): Promise<RunManifest[]> => {
  const manifests: RunManifest[] = [];
  for (const key of await store.list(runManifestsPrefix)) {
    const date = dateOfManifestKey(key);
    if (date === undefined) continue;
    const found = await findManifest(store, date);
    if (found.state === 'present') manifests.push(found.manifest);
  }
  return manifests;
};

/** What a report is read from and how it is labelled. */
export interface ReportSource {
  /** Runs the report's SQL over the published tables. */
  readonly rows: ReportRows;
  /** The lake, for the manifests behind the run health. */
  readonly store: BlobStore;
  /** How the page names the lake: a folder, or `s3://bucket`. */
  readonly lake: string;
}

/**
 * Reads the report of `range`: the sizes first (they give the latest published date), then the
 * per-date charts of that date, all at once.
 */
export const collectReport = async (source: ReportSource, range: ReportRange, now: Date): Promise<ReportData> => {
  const rows = async <T>(sql: string): Promise<T[]> => (await source.rows(sql)) as T[];
  const [sizes, manifests] = await Promise.all([rows<SizeRow>(playlistSizesSql(range)), lakeManifests(source.store)]);
  const latestDate: IsoDate | null = sizes.map((row) => row.snapshot_date).toSorted().at(-1) ?? null;
  const onLatest = async <T>(sql: (date: IsoDate) => string): Promise<T[]> => (latestDate === null ? [] : rows<T>(sql(latestDate)));
  const [changes, artists, releaseYears, explicit] = await Promise.all([
    (tableNames as readonly string[]).includes(changesTable) ? rows<ChangeRow>(playlistChangesSql(range)) : Promise.resolve(null),
    onLatest<ArtistRow>(topArtistsSql),
    onLatest<ReleaseYearRow>(releaseYearsSql),
    onLatest<ExplicitRow>(explicitShareSql),
  ]);
  return { lake: source.lake, range, generatedAt: now.toISOString(), latestDate, sizes, changes, artists, releaseYears, explicit, health: healthRows(manifests, range) };
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
