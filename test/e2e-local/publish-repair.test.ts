/**
 * Write-audit-publish against damaged lakes: raw pages that are cut short or not JSON, a missing
 * playlist.json, damaged derived files (published Parquet, a foreign part file, a manifest that is
 * not JSON, the local catalog record) and a run that fails. What a reader sees for a published date
 * changes only when a run publishes it: failures leave it exactly as it was and say why in one
 * line, and a rerun or backfill rebuilds anything derived from raw.
 */
import { readdir, readFile, rm, truncate, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogRecordPath } from '../../adapters/local/duckdb-lake';
import { createRun } from '../../cli/commands/run';
import { query } from '../../cli/commands/query';
import { rawItemsPrefix, rawPlaylistKey, runManifestKey } from '../../core/lake/keys';
import type { TableName } from '../../core/tables';
import { tableNames } from '../../core/tables';
import { captureIo } from '../support/cli-io';
import { copyLake, filesBelow, publishedState, type TableState } from '../support/lake-state';
import { manifestAt, publishedPart } from '../support/published';
import { tempFolder, tempFolderForSuite } from '../support/temp-folders';

const date = '2026-11-20';
const otherDate = '2026-11-19';
// The built-in emulator's playlist of 1,000 entries (20 pages) and one of 250.
const longPlaylist = 'YbCpT81dcRe8iOreH0hf5o';
const midPlaylist = 'MtqrOpdoTK3xCXkzzNEZqs';

describe('a published date and a lake that goes wrong', () => {
  const base = tempFolderForSuite('spotify-etl-repair-');
  const clock = { now: () => new Date('2026-11-21T08:00:00Z') };
  let published: Record<TableName, TableState>;

  const run = async (lake: string, args: string[]): Promise<{ code: number; stderr: string }> => {
    const io = captureIo(lake);
    const code = await createRun({ clock })([...args, '--lake', lake, '--json'], io);
    return { code, stderr: io.stderr() };
  };
  const backfill = (lake: string) => run(lake, ['--from', date, '--to', date]);
  /** The lines a failed run wrote on stderr besides its progress lines. */
  const complaint = (stderr: string): string[] => stderr.split('\n').filter((line) => line !== '' && !/^\s+[✓↻…]/.test(line));

  /** A copy of the published lake to damage. */
  const lake = async (): Promise<string> => copyLake(base(), join(await tempFolder('spotify-etl-damaged-'), 'lake'));

  beforeAll(async () => {
    for (const day of [otherDate, date]) expect((await run(base(), ['--date', day])).code).toBe(0);
    published = await publishedState(base());
    // The built-in catalog changes from date to date: each date holds what its manifest counted.
    const [before, on] = [otherDate, date].map((day) => manifestAt(base(), day).published?.tables.playlist_items ?? 0);
    expect(published.playlist_items.rows).toBe((before ?? 0) + (on ?? 0));
    expect(before).toBeGreaterThan(1000);
  }, 120_000);

  describe('a backfill of a date whose raw data is damaged fails, names why, and changes nothing readers see', () => {
    const failsUnchanged = async (damaged: string, reason: RegExp): Promise<void> => {
      const before = manifestAt(damaged, date).published;
      const { code, stderr } = await backfill(damaged);
      expect(code).toBe(1);
      expect(complaint(stderr)).toHaveLength(1);
      expect(complaint(stderr)[0]).toMatch(reason);
      expect(stderr).not.toContain('SyntaxError');
      expect(await publishedState(damaged)).toEqual(published);
      expect(manifestAt(damaged, date)).toMatchObject({ published: before, lastAttempt: { status: 'failed', mode: 'backfill' } });
    };

    it('a page cut in half: the rejects check fails, naming the page', async () => {
      const damaged = await lake();
      const page = join(damaged, rawItemsPrefix(date, longPlaylist), 'page-000100.json');
      await truncate(page, Math.floor((await readFile(page)).length / 2));
      await failsUnchanged(damaged, /rejects_within_tolerance.*page-000100\.json.*not JSON/);
    });

    it('a page that is not JSON: the rejects check fails, naming the page', async () => {
      const damaged = await lake();
      await writeFile(join(damaged, rawItemsPrefix(date, midPlaylist), 'page-000050.json'), '<html>502 Bad Gateway</html>\n');
      await failsUnchanged(damaged, /rejects_within_tolerance.*page-000050\.json.*not JSON/);
    });

    it('a playlist.json removed while its pages remain: the date fails and keeps its rows, never drops them', async () => {
      const damaged = await lake();
      await rm(join(damaged, rawPlaylistKey(date, longPlaylist)));
      await failsUnchanged(damaged, new RegExp(`rejects_within_tolerance.*${longPlaylist}.*playlist\\.json.*missing`));
    });
  });

  describe('a rerun or backfill rebuilds damaged derived files from raw', () => {
    const repairs = async (damaged: string): Promise<void> => {
      const { code, stderr } = await backfill(damaged);
      expect(code, stderr).toBe(0);
      expect(await publishedState(damaged)).toEqual(published);
      expect(manifestAt(damaged, date)).toMatchObject({ published: { mode: 'backfill', status: 'succeeded' }, lastAttempt: { status: 'succeeded' } });
    };

    it('a published Parquet file cut short', async () => {
      const damaged = await lake();
      const part = publishedPart(damaged, 'songs', date);
      await truncate(part, Math.floor((await readFile(part)).length / 2));
      await repairs(damaged);
    });

    it('a foreign part file in the published run folder', async () => {
      const damaged = await lake();
      const part = publishedPart(damaged, 'songs', date);
      await copyFile(part, part.replace('part-00000', 'part-00001'));
      await repairs(damaged);
      expect(await readdir(join(publishedPart(damaged, 'songs', date), '..'))).toEqual(['part-00000.parquet']);
    });

    it('a manifest that is not JSON: query warns in one line and answers for the other dates, and a backfill repairs it', async () => {
      const damaged = await lake();
      await writeFile(join(damaged, runManifestKey(date)), '{"version":2,"snapsh');
      const io = captureIo(damaged);
      const code = await query(['SELECT CAST(snapshot_date AS VARCHAR) AS d, COUNT(*) AS n FROM playlist_items GROUP BY d', '--lake', damaged, '--json'], io);
      expect(code).toBe(0);
      expect(JSON.parse(io.stdout())).toEqual([{ d: otherDate, n: manifestAt(damaged, otherDate).published?.tables.playlist_items }]);
      expect(io.stderr().trimEnd().split('\n')).toEqual([expect.stringMatching(new RegExp(`^spotify-etl query: ${runManifestKey(date)} cannot be read .*not JSON.*rebuilt from its raw snapshots \\(spotify-etl run --from ${date} --to ${date}\\)`))]);
      await repairs(damaged);
    });

    it('a local catalog record that is not JSON', async () => {
      const damaged = await lake();
      await writeFile(catalogRecordPath(damaged), '{"version": 2, "lastCr');
      await repairs(damaged);
    });

    it('all of them at once, and a rerun of the date leaves only the published run\'s files', async () => {
      const damaged = await lake();
      const part = publishedPart(damaged, 'albums', date);
      await copyFile(part, part.replace('part-00000', 'part-00001'));
      await truncate(publishedPart(damaged, 'artists', date), 100);
      await writeFile(catalogRecordPath(damaged), 'not json');
      await writeFile(join(damaged, runManifestKey(date)), 'not json');
      const { code, stderr } = await run(damaged, ['--date', date]);
      expect(code, stderr).toBe(0);
      expect(await publishedState(damaged)).toEqual(published);
      const runId = manifestAt(damaged, date).published?.runId ?? '';
      const curated = (await filesBelow(join(damaged, 'curated'))).filter((file) => file.includes(`snapshot_date=${date}`));
      expect(curated.filter((file) => !file.includes(`/run_id=${runId}/part-00000.parquet`))).toEqual([]);
      expect(curated).toHaveLength(tableNames.length);
    });
  });

  it('a run that fails keeps the published run and records its own attempt as failed', async () => {
    const damaged = await lake();
    const before = manifestAt(damaged, date).published;
    const { code, stderr } = await run(damaged, ['--date', date, '--faults', '429=1,retry-after=60']);
    expect(code).toBe(1);
    expect(complaint(stderr)).toEqual([expect.stringMatching(/^spotify-etl run: SpotifyThrottledError: /)]);
    expect(await publishedState(damaged)).toEqual(published);
    expect(manifestAt(damaged, date)).toMatchObject({ published: before, lastAttempt: { status: 'failed', error: { name: 'SpotifyThrottledError' } } });
    expect(manifestAt(damaged, date).lastAttempt.executionName).not.toBe(before?.executionName);
  });
});
