/**
 * Throttled is an outcome (issue 11 item 7), over real HTTP against the emulator: Spotify answers
 * 429 with a Retry-After of two hours, longer than a run waits. The run ends SpotifyThrottled,
 * the date's manifest records when it may resume and the requests it spent, what readers see
 * stays the earlier run's, and the summary prints the time and the command that runs that date again.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRun } from '../../cli/commands/run';
import type { RunSummary } from '../../cli/local/summary';
import { requestsPrefix, runManifestKey } from '../../core/lake/keys';
import type { RunManifest } from '../../core/lake/manifest';
import { addCounts, countsOfKey, noRequests } from '../../core/requests';
import { tableNames } from '../../core/tables';
import { captureIo } from '../support/cli-io';
import { publishedPart } from '../support/published';
import { tempFolderForSuite } from '../support/temp-folders';

const date = '2026-11-20';
const clock = { now: () => new Date(`${date}T06:00:00Z`) };

describe('a run Spotify throttles for longer than it waits', () => {
  const root = tempFolderForSuite('spotify-etl-throttled-');

  const manifestOf = async (lake: string): Promise<RunManifest> => JSON.parse(await readFile(join(lake, runManifestKey(date)), 'utf8')) as RunManifest;
  const published = async (lake: string): Promise<string[]> =>
    Promise.all(tableNames.map(async (table) => createHash('sha256').update(await readFile(publishedPart(lake, table, date))).digest('hex')));

  it('records when it may resume, keeps the published data, and prints the time and the command that runs it again', async () => {
    // Prepare: a clean run publishes the date, and records the requests it sent
    const lake = join(root(), 'lake');
    const clean = captureIo(root());
    expect(await createRun({ clock })(['--date', date, '--lake', lake, '--json'], clean)).toBe(0);
    const before = await manifestOf(lake);
    const cleanSummary = JSON.parse(clean.stdout()) as RunSummary;
    expect(before.published?.requests).toEqual(cleanSummary.requests);
    const publishedBefore = await published(lake);
    // Act: every request answered 429 with Retry-After 7200 s, on the daily run of today (no --date)
    const args = ['--lake', lake, '--faults', '429=1,retry-after=7200'];
    const text = captureIo(root());
    const code = await createRun({ clock })(args, text);
    const json = captureIo(root());
    const jsonCode = await createRun({ clock })([...args, '--json'], json);
    // Assess
    expect([code, jsonCode]).toEqual([1, 1]);
    const resumeAfter = '2026-11-20T08:00:00.000Z';
    const after = await manifestOf(lake);
    expect(after.lastAttempt).toMatchObject({ status: 'failed', error: { name: 'SpotifyThrottledError' }, resumeAfter });
    expect(after.lastAttempt.requests?.spotifyToken).toBeGreaterThan(0);
    expect(after.published).toEqual(before.published);
    expect(await published(lake)).toEqual(publishedBefore);
    // Every invocation's count stays under its run's folder (the clean run and the two throttled
    // ones), and a run's folder adds up to what its manifest recorded.
    const counts = (await readdir(join(lake, requestsPrefix), { recursive: true })).filter((name) => countsOfKey(name) !== undefined);
    const folderOf = (name: string) => name.slice(0, name.indexOf('/'));
    expect(new Set(counts.map(folderOf)).size).toBe(3);
    const sumOf = (runId: string) => addCounts(...counts.filter((name) => folderOf(name) === `run_id=${runId}`).map((name) => countsOfKey(name) ?? noRequests));
    expect(sumOf(before.lastAttempt.runId)).toEqual(before.published?.requests);
    expect(sumOf(after.lastAttempt.runId)).toEqual(after.lastAttempt.requests);
    const summary = JSON.parse(json.stdout()) as RunSummary;
    // The command names the throttled date: typed after midnight, the options alone would run the next day.
    expect(summary).toMatchObject({ status: 'failed', resumeAfter, resumeCommands: [`npx spotify-etl run ${[...args, '--json', '--date', date].join(' ')}`] });
    const resumeLines = text.stdout().split('\n').filter((line) => line.includes('resume'));
    expect(resumeLines).toEqual([`  resume     Spotify allows this run again after ${resumeAfter}: npx spotify-etl run ${[...args, '--date', date].join(' ')}`]);
  }, 120_000);
});
