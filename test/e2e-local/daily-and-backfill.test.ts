/**
 * Three daily runs, then a backfill over those dates and one without raw data: the real
 * rendered machine and step code against the emulator, with "today" moved by the clock.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createRun } from '../../cli/commands/run';
import type { RunSummary } from '../../cli/local/summary';
import { tableNames } from '../../core/tables';
import { captureIo } from '../support/cli-io';
import { manifestAt, publishedPart } from '../support/published';
import { tempFolderForSuite } from '../support/temp-folders';

const days = ['2026-11-17', '2026-11-18', '2026-11-19'];

describe('daily runs and a backfill', () => {
  const lake = tempFolderForSuite('spotify-etl-backfill-');
  let now = new Date();
  const clock = { now: () => now };

  const run = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; summary: RunSummary }> => {
    const io = captureIo(lake(), env);
    const code = await createRun({ clock })([...args, '--lake', lake(), '--json'], io);
    return { code, summary: JSON.parse(io.stdout()) as RunSummary };
  };

  const partHashes = async (date: string): Promise<string[]> =>
    Promise.all(tableNames.map(async (table) => createHash('sha256').update(await readFile(publishedPart(lake(), table, date))).digest('hex')));

  it('rebuilds the three dates from raw identically and reports the date without raw data as skipped', async () => {
    // Prepare: one scheduled run per day
    for (const day of days) {
      now = new Date(`${day}T06:00:00Z`);
      const daily = await run([]);
      expect(daily.code).toBe(0);
      expect(daily.summary.dates).toMatchObject([{ date: day, action: 'extracted', status: 'succeeded' }]);
    }
    const before = await Promise.all(days.map(partHashes));
    now = new Date('2026-11-21T08:00:00Z');
    // Act
    const backfill = await run(['--from', '2026-11-16', '--to', '2026-11-19']);
    // Assess
    expect(backfill.code).toBe(0);
    expect(backfill.summary.mode).toBe('backfill');
    expect(backfill.summary.skipped).toEqual(['2026-11-16']);
    // Named none, past dates only: the plan lists no playlist, and every one landed is rebuilt.
    expect(backfill.summary.playlists).toEqual([]);
    expect(backfill.summary.dates.map((d) => [d.date, d.action, d.status])).toEqual(days.map((day) => [day, 'rebuilt', 'succeeded']));
    expect(await Promise.all(days.map(partHashes))).toEqual(before);
    expect(manifestAt(lake(), '2026-11-16')).toMatchObject({ published: null, lastAttempt: { status: 'skipped' } });
    expect(manifestAt(lake(), '2026-11-18').published).toMatchObject({
      status: 'succeeded',
      mode: 'backfill',
      executionName: backfill.summary.executionName,
      extractedAt: expect.stringMatching(/^2026-11-18T06:00:00/),
    });
  });

  it('rebuilds past dates with no Spotify credentials and no Spotify to reach: the run fetches no token', async () => {
    // Prepare: the dates published above; a real Spotify source with nothing stored, its endpoints a closed port.
    const before = await Promise.all(days.map(partHashes));
    const unreachable = { SPOTIFY_API_BASE_URL: 'http://127.0.0.1:9/v1', SPOTIFY_ACCOUNTS_BASE_URL: 'http://127.0.0.1:9' };
    now = new Date('2026-11-22T08:00:00Z');
    // Act
    const backfill = await run(['--source', 'spotify', '--from', '2026-11-17', '--to', '2026-11-19'], unreachable);
    // Assess
    expect(backfill.code).toBe(0);
    expect(backfill.summary.dates.map((d) => [d.date, d.action, d.status])).toEqual(days.map((day) => [day, 'rebuilt', 'succeeded']));
    expect(backfill.summary.requests).toEqual({ spotifyApi: 0, spotifyToken: 0 });
    expect(await Promise.all(days.map(partHashes))).toEqual(before);
  });

  it('rebuilds a date rerun with fewer playlists as it was published, not with the raw the earlier run left of the others', async () => {
    // Prepare: 2026-11-19 run again, now, for one of its playlists: published with that one alone.
    const date = '2026-11-19';
    const [kept, ...others] = (manifestAt(lake(), date).published?.playlists ?? []).map(({ playlistId }) => playlistId);
    expect(others.length).toBeGreaterThan(0);
    now = new Date('2026-11-23T08:00:00Z');
    const rerun = await run(['--date', date, '--playlists', String(kept)]);
    expect(rerun.code).toBe(0);
    const published = await partHashes(date);
    // Act
    const backfill = await run(['--from', date, '--to', date]);
    // Assess: the one playlist, rebuilt to the same bytes; the others' older raw left out.
    expect(backfill.code).toBe(0);
    expect(manifestAt(lake(), date).published).toMatchObject({ executionName: backfill.summary.executionName, playlists: [expect.objectContaining({ playlistId: kept })] });
    expect(manifestAt(lake(), date).published?.playlists).toHaveLength(1);
    expect(await partHashes(date)).toEqual(published);
  });
});
