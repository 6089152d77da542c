/**
 * A run that fails part way through a playlist's pages must leave no trace on later dates: the
 * next day's changes compare with what readers saw (a complete snapshot, or a published date's
 * rows), and carry-over copies no half-read raw. An adversarial walk found both broken: 107 spurious `added` rows after a failed rerun, and
 * every later daily run failing validation once a failed rerun had cut a published date's raw.
 * The real rendered machine and step code against the emulator, with a fault-injected Spotify
 * for the failed read, and a lake where it never happened to compare with.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRun } from '../../cli/commands/run';
import type { TableName } from '../../core/tables';
import { captureIo } from '../support/cli-io';
import { manifestAt, publishedPart } from '../support/published';
import { tempFolderForSuite } from '../support/temp-folders';

/** A playlist of the built-in catalog with six pages, so a fault can stop its read half way. */
const longPlaylist = 'MtqrOpdoTK3xCXkzzNEZqs';
/** One with two pages whose snapshot id is the same on 2026-11-22 and 2026-11-23, so the next day carries it over. */
const unchangedPlaylist = 'GSS81Qh0lTq2ZSxpd5iDEZ';
/** One with two pages, the same on 2026-11-22 and 2026-11-23 and reordered on 2026-11-24 (read again, no change). */
const reorderedPlaylist = 'kfbPSJAfg11lMvzA3Qvh1K';

describe('a read that failed part way through a playlist', () => {
  const work = tempFolderForSuite('spotify-etl-failed-read-');

  /** `run` on `lake` as a user starts it, "today" being `today`. */
  const run = async (lake: string, today: string, args: string[] = []): Promise<number> => {
    const clock = { now: () => new Date(`${today}T06:00:00Z`) };
    return createRun({ clock })([...args, '--lake', join(work(), lake), '--json'], captureIo(work()));
  };

  /** Fails after some of the playlist's pages landed: Spotify answers most requests 500 (the seed fixes which). */
  const failedRead = (date: string, playlistId: string, probability: string) => ['--date', date, '--playlists', playlistId, '--faults', `500=${probability}`, '--seed', '1'];

  const partHash = async (lake: string, table: TableName, date: string): Promise<string> =>
    createHash('sha256').update(await readFile(publishedPart(join(work(), lake), table, date))).digest('hex');

  it('leaves the next day\'s changes as they are on a lake where it never ran', async () => {
    // Prepare: 11-20 published on both lakes; on one, a read of 11-21 that failed and was never run again.
    for (const lake of ['failed', 'clean']) expect(await run(lake, '2026-11-20')).toBe(0);
    expect(await run('failed', '2026-11-21', failedRead('2026-11-21', longPlaylist, '0.7'))).toBe(1);
    // Act
    for (const lake of ['failed', 'clean']) expect(await run(lake, '2026-11-22')).toBe(0);
    // Assess: the failed read's pages are not taken for the playlist's 11-21 snapshot.
    expect(await partHash('failed', 'playlist_changes', '2026-11-22')).toBe(await partHash('clean', 'playlist_changes', '2026-11-22'));
    expect(await partHash('failed', 'playlist_items', '2026-11-22')).toBe(await partHash('clean', 'playlist_items', '2026-11-22'));
  });

  it('passes over the playlists a failed run did read completely: the next day compares with what was published, as on a lake where it never ran', async () => {
    // Prepare: 11-20 published on both lakes; on one, a run of 11-21 over every playlist that read some and failed.
    for (const lake of ['failed-all', 'clean-all']) expect(await run(lake, '2026-11-20')).toBe(0);
    expect(await run('failed-all', '2026-11-21', ['--date', '2026-11-21', '--faults', '500=0.6', '--seed', '1'])).toBe(1);
    // Act
    for (const lake of ['failed-all', 'clean-all']) expect(await run(lake, '2026-11-22')).toBe(0);
    // Assess: readers never saw 11-21, so its reads are no previous snapshot and no change is lost.
    expect(await partHash('failed-all', 'playlist_changes', '2026-11-22')).toBe(await partHash('clean-all', 'playlist_changes', '2026-11-22'));
  });

  it('does not stop later daily runs when it was a rerun of a published date: the next day reads the playlist afresh and compares it with what the date published', async () => {
    // Prepare: 11-21 and 11-22 published; then a rerun of 11-22 fails part way through an unchanged playlist.
    for (const lake of ['rerun', 'rerun-clean']) {
      expect(await run(lake, '2026-11-21')).toBe(0);
      expect(await run(lake, '2026-11-22')).toBe(0);
    }
    expect(await run('rerun', '2026-11-23', failedRead('2026-11-22', unchangedPlaylist, '0.85'))).toBe(1);
    // Act
    const next = await run('rerun', '2026-11-23');
    // Assess: it publishes (it failed validation, copying the cut pages over), with the rows a clean lake has.
    expect(next).toBe(0);
    expect(await run('rerun-clean', '2026-11-23')).toBe(0);
    expect(await partHash('rerun', 'playlist_items', '2026-11-23')).toBe(await partHash('rerun-clean', 'playlist_items', '2026-11-23'));
    // The cut raw of 11-22 is no previous snapshot, its published rows are: no change of 11-22's is repeated.
    expect(await partHash('rerun', 'playlist_changes', '2026-11-23')).toBe(await partHash('rerun-clean', 'playlist_changes', '2026-11-23'));
    // Read afresh (11-22's raw of it was cut, so nothing to carry over), and the snapshot 11-22 published.
    expect(manifestAt(join(work(), 'rerun'), '2026-11-23').published?.playlists.find(({ playlistId }) => playlistId === unchangedPlaylist)).toMatchObject({ outcome: 'unchanged' });
  });

  it('repeats no change when a failed rerun left a published date a page it cannot read under the snapshot id it published', async () => {
    // Prepare: 11-22 and 11-23 published; one of 11-22's pages of a playlist damaged, then a
    // rerun of 11-23 carries it over, fails validation, and leaves it in 11-23's raw.
    for (const lake of ['unreadable', 'unreadable-clean']) {
      expect(await run(lake, '2026-11-22')).toBe(0);
      expect(await run(lake, '2026-11-23')).toBe(0);
    }
    await writeFile(join(work(), 'unreadable', 'raw', 'playlist_items', 'snapshot_date=2026-11-22', `playlist_id=${reorderedPlaylist}`, 'page-000050.json'), '{"items": [ trunc');
    expect(await run('unreadable', '2026-11-23')).toBe(1);
    // Act
    for (const lake of ['unreadable', 'unreadable-clean']) expect(await run(lake, '2026-11-24')).toBe(0);
    // Assess: 11-24 compares the playlist with the rows 11-23 published, not with 11-23's raw less a page.
    expect(await partHash('unreadable', 'playlist_changes', '2026-11-24')).toBe(await partHash('unreadable-clean', 'playlist_changes', '2026-11-24'));
  });
});
