/**
 * The WriteReport step over a lake made by real local runs, with the pipeline's own DuckDB engine
 * (candidates for validation, published views only for the report's queries): what it writes
 * below reports/, and what it throws when it cannot.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChartLibrary } from '../../../adapters/charts/echarts-library';
import { DuckDbQueryEngine, openDuckDb } from '../../../adapters/local/duckdb-catalog';
import { FsBlobStore } from '../../../adapters/local/fs-blob-store';
import { validationSql } from '../../../core/checks';
import { AwsUnavailableError, ReportNotWrittenError } from '../../../core/errors';
import { datedReportKey, latestReportKey, runManifestKey } from '../../../core/lake/keys';
import { readManifest } from '../../../core/manifests';
import { analystViews } from '../../../core/analyst-views';
import { tableNames } from '../../../core/tables';
import type { QueryEngine } from '../../../core/ports';
import { runWriteReport } from '../../../steps/write-report/step';
import { dailyRuns, reportDays } from '../../support/report-lakes';
import { tempFolderForSuite } from '../../support/temp-folders';
import { fixedClock } from '../../unit/steps/fakes';

describe('WriteReport on DuckDB over a real lake', () => {
  const work = tempFolderForSuite('spotify-etl-write-report-');
  const lake = () => join(work(), 'lake');
  let db: Awaited<ReturnType<typeof openDuckDb>>;
  const clock = fixedClock('2026-12-01T07:00:00.000Z');
  const store = () => new FsBlobStore(lake());
  const text = async (key: string): Promise<string | undefined> => {
    const body = await store().get(key);
    return body === undefined ? undefined : new TextDecoder().decode(body);
  };
  const pipelineEngineOn = (connection: DuckDBConnection): DuckDbQueryEngine => new DuckDbQueryEngine(lake(), connection, { staged: true, published: 'when-named' });
  const pipelineEngine = (): DuckDbQueryEngine => pipelineEngineOn(db.connection);
  /** Runs `test` on a DuckDB instance of its own, so that no earlier test's views are there. */
  const onOwnInstance = async (test: (connection: DuckDBConnection) => Promise<void>): Promise<void> => {
    const own = await openDuckDb();
    try {
      await test(own.connection);
    } finally {
      own.close();
    }
  };
  /** The views defined on `connection`, by name. */
  const viewsOn = async (connection: DuckDBConnection): Promise<string[]> =>
    (await connection.runAndReadAll('SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY view_name')).getRowObjectsJS().map((row) => String(row['view_name']));
  const step = (queries: QueryEngine) => runWriteReport({ store: store(), lakeName: lake(), queries, clock, chartLibrary: readChartLibrary, sleep: () => new Promise((done) => setImmediate(done)) });

  beforeAll(async () => {
    await dailyRuns(lake(), reportDays);
    db = await openDuckDb();
  });
  afterAll(() => db.close());

  it('writes the latest report and, for the run\'s last date, the same page under its date', async () => {
    // Prepare: what the runs' own WriteReport left, removed
    rmSync(join(lake(), 'reports'), { recursive: true, force: true });
    // Act
    const output = await step(pipelineEngine())({ published: ['2026-11-19'] });
    // Assess
    expect(output).toEqual({ latest: latestReportKey, dated: datedReportKey('2026-11-19') });
    const latest = await text(latestReportKey);
    expect(latest).toContain('<h2>Playlist sizes over time</h2>');
    expect(latest).toContain('all dates');
    expect(latest).toContain(`<p>Lake <code>${lake()}</code>`);
    expect(latest).not.toContain('data-empty');
    expect(await text(datedReportKey('2026-11-19'))).toBe(latest);
  });

  it('keeps an earlier date\'s page as of that date, when a backfill publishes it after later ones', async () => {
    // Act
    await step(pipelineEngine())({ published: ['2026-11-17', '2026-11-18'] });
    // Assess
    const dated = await text(datedReportKey('2026-11-18'));
    expect(dated).toContain('the first date to 2026-11-18');
    expect(dated).not.toContain('2026-11-19');
    expect(await text(datedReportKey('2026-11-17'))).toBeUndefined();
    expect(await text(latestReportKey)).toContain('2026-11-19');
  });

  it('reads each manifest once for the run health of a backfill\'s two reports, the latest and the one as of its date', async () => {
    // Prepare: a lake store that records which manifests it is asked for
    const counting = store();
    const manifestsRead: string[] = [];
    const get = counting.get.bind(counting);
    counting.get = async (key) => {
      if (key.startsWith('runs/')) manifestsRead.push(key);
      return get(key);
    };
    const backfill = runWriteReport({ store: counting, lakeName: lake(), queries: pipelineEngine(), clock, chartLibrary: readChartLibrary, sleep: () => new Promise((done) => setImmediate(done)) });
    // Act
    await backfill({ published: ['2026-11-17', '2026-11-18'] });
    // Assess
    expect(manifestsRead.toSorted()).toEqual(reportDays.map(runManifestKey));
    expect(await text(datedReportKey('2026-11-18'))).not.toBe(await text(latestReportKey));
  });

  it('builds the published views on the pipeline\'s engine only for a query that names one, not for validation\'s', async () => {
    await onOwnInstance(async (connection) => {
      const engine = pipelineEngineOn(connection);
      // Named without the word, so asking does not build them.
      const publishedViews = "SELECT count(*) AS n FROM duckdb_views() WHERE view_name = 'play' || 'lists'";
      // The validation query of the last date's run, as StartValidation sends it: its checks' labels name every table.
      const published = (await readManifest(store(), '2026-11-19'))?.published;
      if (!published) throw new Error('the suite\'s lake has no published run for 2026-11-19');
      const validation = validationSql('2026-11-19', published.runId, { tables: { playlist_changes: 0, ...published.tables }, lostEntriesByPlaylist: {} });
      // Act
      const checks = await engine.query(validation);
      const afterValidation = await engine.query(publishedViews);
      const sizes = await engine.query('SELECT count(*) AS n FROM playlists');
      const afterReport = await engine.query(publishedViews);
      // Assess
      expect(checks).toEqual([]); // a published run passes every check: no offending rows
      expect(afterValidation).toEqual([{ n: 0 }]);
      expect(sizes[0]?.['n']).toBeGreaterThan(0);
      expect(afterReport).toEqual([{ n: 1 }]);
    });
  });

  it('builds the published view of only the tables a query names, and of those an analysts\' view it names reads', async () => {
    await onOwnInstance(async (connection) => {
      const engine = new DuckDbQueryEngine(lake(), connection, { published: 'when-named' });
      // Act
      await engine.query('SELECT count(*) AS n FROM songs s JOIN "song_artists" USING (song_id)');
      const afterTwo = await viewsOn(connection);
      await engine.query('SELECT count(*) AS n FROM latest_playlist_tracks');
      const afterAnalysts = await viewsOn(connection);
      // Assess
      expect(afterTwo).toEqual(['song_artists', 'songs']);
      // Every table but album_artists, which no analysts' view reads.
      expect(afterAnalysts).toEqual([...analystViews.map((view) => view.name), ...tableNames.filter((table) => table !== 'album_artists')].toSorted());
    });
  });

  it("builds the staged views on the pipeline's engine only for a query that names one, not for the report's", async () => {
    await onOwnInstance(async (connection) => {
      const engine = pipelineEngineOn(connection);
      // Act
      await engine.query('SELECT count(*) AS n FROM playlists');
      const afterReport = (await viewsOn(connection)).filter((view) => view.startsWith('staged_'));
      const candidates = await engine.query('SELECT count(*) AS n FROM staged_songs');
      const afterNamed = (await viewsOn(connection)).filter((view) => view.startsWith('staged_'));
      // Assess
      expect(afterReport).toEqual([]);
      expect(candidates[0]?.['n']).toBeGreaterThan(0);
      expect(afterNamed).toEqual(['staged_songs']);
    });
  });

  it("builds the analysts' views on the pipeline's engine only for a query that names one, not for the report's", async () => {
    await onOwnInstance(async (connection) => {
      const engine = pipelineEngineOn(connection);
      // Named without the words, so asking does not build them.
      const analystViewsBuilt = "SELECT count(*) AS n FROM duckdb_views() WHERE view_name IN ('playlist_' || 'tracks', 'latest_playlist_' || 'tracks', 'playlist_' || 'history')";
      // Act
      await engine.query('SELECT count(*) AS n FROM playlists');
      const afterReport = await engine.query(analystViewsBuilt);
      // A quote inside a quoted identifier must not hide the view named after it.
      const history = await engine.query(`SELECT count(*) AS n, 'x' AS "it's" FROM playlist_history WHERE 'y' = 'y'`);
      const afterNamed = await engine.query(analystViewsBuilt);
      // Assess
      expect(afterReport).toEqual([{ n: 0 }]);
      expect(history[0]?.['n']).toBeGreaterThan(0);
      expect(afterNamed).toEqual([{ n: 3 }]);
    });
  });

  it('fails as ReportNotWrittenError naming the published dates when a query fails, and writes nothing', async () => {
    // Prepare
    rmSync(join(lake(), 'reports'), { recursive: true, force: true });
    const broken: QueryEngine = {
      start: async () => 'q-1',
      status: async () => ({ state: 'failed', reason: 'Catalog Error: Table with name playlists does not exist' }),
      results: async () => [],
    };
    // Act / Assess
    const running = step(broken)({ published: ['2026-11-19'] });
    await expect(running).rejects.toBeInstanceOf(ReportNotWrittenError);
    await expect(running).rejects.toThrow(/the run's date 2026-11-19 is published and stays so: QueryFailedError: Catalog Error/);
    expect(await store().list('reports/')).toEqual([]);
  });

  it("names a long backfill's published dates by their count and range, not each one, as its message travels in the run's state", async () => {
    // Prepare
    const broken: QueryEngine = { start: async () => 'q-1', status: async () => ({ state: 'failed', reason: 'Catalog Error' }), results: async () => [] };
    const published = Array.from({ length: 366 }, (_, index) => new Date(Date.UTC(2025, 11, 1 + index)).toISOString().slice(0, 10));
    // Act / Assess
    const running = step(broken)({ published: published.toReversed() });
    await expect(running).rejects.toThrow("The report was not written; the run's 366 dates 2025-12-01 to 2026-12-01 are published and stay so: QueryFailedError: Catalog Error");
  });

  it('lets a transient AWS error through as itself, for the machine to retry', async () => {
    // Prepare
    const throttled: QueryEngine = {
      start: async () => {
        throw new AwsUnavailableError('Athena StartQueryExecution in workgroup spotify-etl failed: ThrottlingException: Rate exceeded');
      },
      status: async () => ({ state: 'running' }),
      results: async () => [],
    };
    // Act / Assess
    await expect(step(throttled)({ published: ['2026-11-19'] })).rejects.toBeInstanceOf(AwsUnavailableError);
  });
});
