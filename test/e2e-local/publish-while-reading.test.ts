/**
 * A reader that read a date's manifest just before a run of the date published (the one switch)
 * lists and reads the files that manifest named after the run has finished: it must find every
 * one of them, and answer the earlier run's rows whole, not a torn or empty date. The interleaving
 * is made, not hoped for: the reader's first listing of a table's folder waits until the second
 * run of the date has published and cleaned up.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FsBlobStore } from '../../adapters/local/fs-blob-store';
import { startEmulator } from '../../adapters/spotify/emulator/server';
import { lakeReader, queryLake } from '../../cli/local/lake-reader';
import { runPipeline } from '../../cli/local/pipeline';
import { tableNames } from '../../core/tables';
import { tempFolderForSuite } from '../support/temp-folders';

const date = '2026-11-20';
const clock = { now: () => new Date(`${date}T06:00:00Z`) };
const countsSql = tableNames.map((table) => `SELECT '${table}' AS t, COUNT(*) AS n, SUM(hash(x)) AS h FROM ${table} x WHERE CAST(snapshot_date AS VARCHAR) = '${date}'`).join(' UNION ALL ') + ' ORDER BY t';

describe('a query that read the manifest just before a run of its date published', () => {
  const root = tempFolderForSuite('spotify-etl-publish-while-reading-');
  afterEach(() => void vi.restoreAllMocks());

  const runOn = async (lake: string, catalogSeed: number) => {
    const emulator = await startEmulator({ catalogSeed });
    try {
      const run = await runPipeline({ lake, request: { mode: 'manual', date }, source: { kind: 'emulator', ...emulator }, clock });
      expect(run.outcome.status).toBe('succeeded');
    } finally {
      await emulator.close();
    }
  };

  const read = async (lake: string, warnings: string[]) => {
    const reader = lakeReader(lake, (warning) => warnings.push(warning));
    try {
      return JSON.stringify(await reader.query(countsSql), (_, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
    } finally {
      await reader.close();
    }
  };

  /**
   * Holds the next reader's first listing of a table's folder (it has read the manifests by then)
   * until the date has been published again by a run of each catalog of `seeds`; the runs' own
   * listings pass while they run. Returns whether they have.
   */
  const republishBeforeFirstListing = (lake: string, seeds: readonly number[]): (() => boolean) => {
    const list = FsBlobStore.prototype.list;
    let republish: 'waiting' | 'running' | 'done' = 'waiting';
    vi.spyOn(FsBlobStore.prototype, 'list').mockImplementation(async function (this: FsBlobStore, prefix: string) {
      if (republish === 'waiting' && prefix.startsWith('curated/')) {
        republish = 'running';
        for (const seed of seeds) await runOn(lake, seed);
        republish = 'done';
      }
      return list.call(this, prefix);
    });
    return () => republish === 'done';
  };

  /** `spotify-etl query`'s reading of the counts: once more when the date was published again under it. */
  const readLake = async (lake: string, warnings: string[]) =>
    JSON.stringify(await queryLake(lake, countsSql, (warning) => warnings.push(warning)), (_, value: unknown) => (typeof value === 'bigint' ? String(value) : value));

  it("answers the earlier run's rows whole, with no warning, though the run that replaced it has finished", async () => {
    // Prepare: the date published from one catalog, then what each run's rows read as
    const lake = join(root(), 'lake');
    const other = join(root(), 'other');
    await runOn(lake, 1);
    await runOn(other, 2);
    const first = await read(lake, []);
    const second = await read(other, []);
    expect(first).not.toEqual(second);
    // Act: the reader has read the manifests; before it lists any table's folder, the date is published again
    const republished = republishBeforeFirstListing(lake, [2]);
    const warnings: string[] = [];
    const during = await read(lake, warnings);
    vi.restoreAllMocks();
    const after = await read(lake, []);
    // Assess
    expect(republished()).toBe(true);
    expect(during).toEqual(first);
    expect(warnings).toEqual([]);
    expect(after).toEqual(second);
  }, 120_000);

  it('reads again, from the newest manifest, when the date was published twice while it read', async () => {
    // Prepare: the rows of a third catalog, which the last of the two runs publishes
    const lake = join(root(), 'twice');
    const third = join(root(), 'third');
    await runOn(lake, 1);
    await runOn(third, 3);
    const newest = await read(third, []);
    // Act: before the reader lists any table's folder, the date is published twice: the first run's files are gone
    const republished = republishBeforeFirstListing(lake, [2, 3]);
    const warnings: string[] = [];
    const during = await readLake(lake, warnings);
    // Assess: the newest run whole, and no word of rows lost
    expect(republished()).toBe(true);
    expect(during).toEqual(newest);
    expect(warnings).toEqual([]);
  }, 120_000);
});
