import { describe, expect, it } from 'vitest';
import { checkNames } from '../../../core/checks';
import { CrawlerBusyError, CrawlerFailedError, CrawlerTimeoutError, QueryFailedError, ValidationFailedError } from '../../../core/errors';
import { runIdOf, runManifestKey } from '../../../core/lake/keys';
import { buildAttempt, withAttempt, type RunAttempt, type RunManifest } from '../../../core/lake/manifest';
import { writeManifest } from '../../../core/manifests';
import { runEvaluateValidation, rejectsCheckName } from '../../../steps/evaluate-validation/step';
import { runPollCrawler } from '../../../steps/poll-crawler/step';
import { runPollValidation } from '../../../steps/poll-validation/step';
import { runStartCrawler } from '../../../steps/start-crawler/step';
import { runStartValidation } from '../../../steps/start-validation/step';
import { fixedClock, MemoryBlobStore, ScriptedCatalog, ScriptedQueries } from './fakes';

const date = '2026-11-20';
const clock = fixedClock('2026-11-20T09:10:00Z');

const executionName = 'exec-1';

/** A lake whose date has exec-1's attempt, normalised and not yet checked. */
const withManifest = async (overrides: Partial<RunAttempt> = {}): Promise<MemoryBlobStore> => {
  const store = new MemoryBlobStore();
  const attempt = buildAttempt({ status: 'normalised', mode: 'manual', executionName, extractedAt: null, updatedAt: '2026-11-20T09:00:00.000Z' });
  await writeManifest(store, withAttempt(date, undefined, { ...attempt, ...overrides }));
  return store;
};

describe('StartCrawler and PollCrawler', () => {
  it('fails with CrawlerBusyError when a crawl is already running, so the machine retries', async () => {
    await expect(runStartCrawler({ catalog: new ScriptedCatalog([], 1) })({})).rejects.toBeInstanceOf(CrawlerBusyError);
  });

  it('registers the run\'s partitions of each date and answers succeeded, starting no crawl, when the tables are catalogued', async () => {
    const catalog = new ScriptedCatalog([]);
    catalog.tablesCatalogued = true;

    const output = await runStartCrawler({ catalog })({ dates: [{ date, extract: true }, { date: '2026-11-19', extract: false }], executionName: 'manual 1' });

    expect(output).toEqual({ state: 'succeeded', polls: 0 });
    // The run's folder name: the execution name made safe for a folder (core/lake/keys.ts).
    expect(catalog.registrations).toEqual([[{ date, runId: runIdOf('manual 1') }, { date: '2026-11-19', runId: runIdOf('manual 1') }]]);
    expect(runIdOf('manual 1')).toMatch(/^manual_1-[0-9a-f]{8}$/);
    expect(catalog.starts).toBe(0);
  });

  it('starts a crawl and answers running when a staged table needs one', async () => {
    const catalog = new ScriptedCatalog([]);

    const output = await runStartCrawler({ catalog })({ dates: [{ date, extract: true }], executionName });

    expect(output).toEqual({ state: 'running', polls: 0 });
    expect(catalog.starts).toBe(1);
    expect(catalog.registrations).toEqual([]);
  });

  it('crawls, as before, when a redriven older execution passes no dates', async () => {
    const catalog = new ScriptedCatalog([]);
    catalog.tablesCatalogued = true;

    expect(await runStartCrawler({ catalog })({})).toEqual({ state: 'running', polls: 0 });
    expect(catalog.starts).toBe(1);
  });

  it('counts polls until the crawl succeeds', async () => {
    const poll = runPollCrawler({ catalog: new ScriptedCatalog([{ state: 'running' }, { state: 'succeeded' }]) });

    expect(await poll({ polls: 0 })).toEqual({ state: 'running', polls: 1 });
    expect(await poll({ polls: 1 })).toEqual({ state: 'succeeded', polls: 2 });
  });

  it('fails with CrawlerFailedError carrying the crawler\'s reason', async () => {
    const poll = runPollCrawler({ catalog: new ScriptedCatalog([{ state: 'failed', message: 'schema mismatch in songs' }]) });

    await expect(poll({ polls: 0 })).rejects.toThrow(CrawlerFailedError);
    await expect(runPollCrawler({ catalog: new ScriptedCatalog([{ state: 'failed', message: 'schema mismatch in songs' }]) })({ polls: 0 })).rejects.toThrow(
      /schema mismatch in songs/,
    );
  });

  it('fails with CrawlerTimeoutError on the last allowed poll', async () => {
    const poll = runPollCrawler({ catalog: new ScriptedCatalog([{ state: 'running' }]), maxPolls: 3 });

    await expect(poll({ polls: 2 })).rejects.toBeInstanceOf(CrawlerTimeoutError);
  });
});

describe('StartValidation, PollValidation and EvaluateValidation', () => {
  it('starts the validation query with the counts of the manifest', async () => {
    const store = await withManifest({ tables: { playlists: 2, playlist_items: 73, songs: 70, albums: 3, artists: 2, song_artists: 105, album_artists: 3, playlist_changes: 0 } });
    const queries = new ScriptedQueries();

    const output = await runStartValidation({ store, queries })({ date, executionName });

    expect(output).toEqual({ date, executionName, queryId: 'query-1', state: 'running', polls: 0 });
    expect(queries.started[0]).toContain("'2026-11-20' AND run_id = 'exec-1'");
    expect(queries.started[0]).toContain('<> 73');
  });

  it('fails with ValidationFailedError when the date has no manifest, or one another execution wrote', async () => {
    await expect(runStartValidation({ store: new MemoryBlobStore(), queries: new ScriptedQueries() })({ date, executionName })).rejects.toBeInstanceOf(ValidationFailedError);
    await expect(runStartValidation({ store: await withManifest(), queries: new ScriptedQueries() })({ date, executionName: 'exec-2' })).rejects.toThrow(
      /now records execution exec-1, not this run's \(exec-2\)/,
    );
  });

  it('fails with QueryFailedError when the query failed or outlived its polls', async () => {
    const input = { date, executionName, queryId: 'q', state: 'running' as const, polls: 0 };

    await expect(runPollValidation({ queries: new ScriptedQueries([], [{ state: 'failed', reason: 'TABLE_NOT_FOUND' }]) })(input)).rejects.toThrow(/TABLE_NOT_FOUND/);
    await expect(runPollValidation({ queries: new ScriptedQueries([], [{ state: 'running' }]), maxPolls: 1 })(input)).rejects.toBeInstanceOf(QueryFailedError);
  });

  it('records passing checks in the attempt and marks it validated, publishing nothing', async () => {
    const store = await withManifest();

    const output = await runEvaluateValidation({ store, queries: new ScriptedQueries([]), clock })({ date, executionName, queryId: 'q' });

    const manifest = store.json(runManifestKey(date)) as RunManifest;
    expect(output).toEqual({ date, checks: checkNames.length + 1 });
    expect(manifest.lastAttempt.checks.map((check) => [check.name, check.passed])).toEqual([...checkNames, rejectsCheckName].map((name) => [name, true]));
    expect(manifest.lastAttempt.status).toBe('validated');
    expect(manifest.published).toBeNull();
  });

  it('fails with ValidationFailedError naming each failed check, after recording the checks', async () => {
    // Prepare
    const store = await withManifest({ rejectCount: 1, rejects: [{ playlistId: 'p', position: 4, reason: '$.track: expected object' }] });
    const rows = [{ check_name: 'songs_resolvable', offending_key: 'song9', failures: 1 }];
    // Act
    const evaluation = runEvaluateValidation({ store, queries: new ScriptedQueries(rows), clock })({ date, executionName, queryId: 'q' });
    // Assess
    await expect(evaluation).rejects.toThrow(/2 of 8 checks failed: songs_resolvable \(1, e\.g\. song9\); rejects_within_tolerance \(1, e\.g\. p@4/);
    const manifest = store.json(runManifestKey(date)) as RunManifest;
    expect(manifest.lastAttempt.checks.filter((check) => !check.passed).map((check) => check.name)).toEqual(['songs_resolvable', rejectsCheckName]);
    expect(manifest.lastAttempt.status).toBe('normalised');
  });

  it('fails a playlist without its object (a read that did not finish) whatever the tolerance: the tolerance is for entries', async () => {
    // Prepare: the playlist's pages were read, its playlist.json is missing, so it has no playlists row.
    const unread = { playlistId: 'p', position: null, reason: 'raw/playlists/…/playlist.json cannot be read, so there is no playlists row: it is missing' };
    const store = await withManifest({
      rejectCount: 2,
      rejects: [{ playlistId: 'q', position: 4, reason: '$.track: expected object' }, unread],
      playlists: [{ playlistId: 'p', snapshotId: null, totalItems: null, rows: 200, rejects: 1, lostEntries: 0 }],
    });
    // Act
    const evaluation = runEvaluateValidation({ store, queries: new ScriptedQueries([]), clock, rejectTolerance: 10 })({ date, executionName, queryId: 'q' });
    // Assess: named first among the offending rejects.
    await expect(evaluation).rejects.toThrow(/rejects_within_tolerance \(2, e\.g\. p@page: raw\/playlists/);
  });

  it('lets rejects within the configured tolerance pass', async () => {
    const store = await withManifest({ rejectCount: 1 });

    await expect(runEvaluateValidation({ store, queries: new ScriptedQueries([]), clock, rejectTolerance: 1 })({ date, executionName, queryId: 'q' })).resolves.toMatchObject({ date });
  });
});
