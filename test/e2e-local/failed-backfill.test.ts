/**
 * A backfill of ten published dates, two of them damaged in raw: the first that fails validation
 * fails the run while another date's validation is still under way. The run must end as failed,
 * with every published date as it was, and close DuckDB under no query (it closed it under the
 * other date's validation, a segmentation fault of the whole process, on every try).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRun } from '../../cli/commands/run';
import type { RunSummary } from '../../cli/local/summary';
import { addDays } from '../../core/dates';
import { tableNames } from '../../core/tables';
import { captureIo } from '../support/cli-io';
import { cliProcess } from '../support/cli-process';
import { publishedPart } from '../support/published';
import { tempFolderForSuite } from '../support/temp-folders';

const first = '2026-10-01';
const dates = Array.from({ length: 10 }, (_, i) => addDays(first, i));

describe('a backfill whose dates fail validation while others are validated', () => {
  const lake = tempFolderForSuite('spotify-etl-failed-backfill-');
  const clock = { now: () => new Date('2026-10-12T06:00:00Z') };

  const run = async (args: string[]) => {
    const io = captureIo(lake());
    const code = await createRun({ clock })([...args, '--lake', lake(), '--json'], io);
    return { code, summary: JSON.parse(io.stdout()) as RunSummary };
  };
  const published = async (date: string) =>
    Promise.all(tableNames.map(async (table) => createHash('sha256').update(await readFile(publishedPart(lake(), table, date))).digest('hex')));

  it('fails, leaves every published date as it was, and ends the process cleanly', async () => {
    // Prepare: ten dates published; then one's playlist.json removed and another's page made not JSON
    for (const date of dates) expect((await run(['--date', date])).code).toBe(0);
    const before = await Promise.all(dates.map(published));
    const playlistsOf = (date: string) => join(lake(), 'raw', 'playlists', `snapshot_date=${date}`);
    const [gone] = await readdir(playlistsOf(dates[4] ?? ''));
    await rm(join(playlistsOf(dates[4] ?? ''), gone ?? '', 'playlist.json'));
    const [damaged] = await readdir(join(lake(), 'raw', 'playlist_items', `snapshot_date=${dates[6] ?? ''}`));
    await writeFile(join(lake(), 'raw', 'playlist_items', `snapshot_date=${dates[6] ?? ''}`, damaged ?? '', 'page-000000.json'), 'not JSON');
    // Act: as a user starts it, so that how the process ends is seen
    const backfill = await cliProcess(['run', '--from', first, '--to', dates[9] ?? '', '--lake', lake(), '--json']);
    // Assess
    expect({ code: backfill.code, signal: backfill.signal }).toEqual({ code: 1, signal: null });
    expect((JSON.parse(backfill.stdout) as RunSummary).error?.name).toBe('ValidationFailedError');
    expect(await Promise.all(dates.map(published))).toEqual(before);
  }, 180_000);
});
