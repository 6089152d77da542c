import { describe, expect, it } from 'vitest';
import { runManifestKey } from '../../../core/lake/keys';
import { buildManifest, type RunManifest } from '../../../core/lake/manifest';
import { writeManifest } from '../../../core/manifests';
import { createNormaliser } from '../../../core/normalise';
import type { RunPlan } from '../../../core/run-input';
import { runNotifyFailure } from '../../../steps/notify-failure/step';
import { runRecordRun } from '../../../steps/record-run/step';
import { fixedClock, MemoryBlobStore, MemoryDateLeases, RecordingNotifier } from './fakes';

const clock = fixedClock('2026-11-20T09:20:00Z');
const plan: RunPlan = {
  run: { mode: 'backfill', executionName: 'exec-2', startedAt: '2026-11-20T09:00:00.000Z' },
  playlistIds: ['1Cp6VQCKf2VL4sP09jN9oX'],
  dates: [
    { date: '2026-11-18', extract: false },
    { date: '2026-11-19', extract: false },
  ],
  skipped: ['2026-11-17'],
};

const manifestOf = (date: string, executionName: string): RunManifest =>
  buildManifest({ snapshotDate: date, status: 'normalised', mode: 'backfill', executionName, extractedAt: null, updatedAt: '2026-11-20T09:00:00.000Z', normalised: createNormaliser().result() });

describe('RecordRun', () => {
  it('marks the run\'s dates succeeded and records skipped dates that have no manifest', async () => {
    // Prepare
    const store = new MemoryBlobStore();
    for (const { date } of plan.dates) await writeManifest(store, manifestOf(date, 'exec-2'));
    // Act
    const output = await runRecordRun({ store, clock, leases: new MemoryDateLeases() })({ plan });
    // Assess
    expect(output).toEqual({ succeeded: ['2026-11-18', '2026-11-19'], skipped: ['2026-11-17'] });
    expect((store.json(runManifestKey('2026-11-18')) as RunManifest).status).toBe('succeeded');
    expect((store.json(runManifestKey('2026-11-17')) as RunManifest).status).toBe('skipped');
  });
});

describe('NotifyFailure', () => {
  it('records the error in this execution\'s manifests, leaves other executions\' manifests alone, and notifies', async () => {
    // Prepare
    const store = new MemoryBlobStore();
    await writeManifest(store, manifestOf('2026-11-18', 'exec-2'));
    await writeManifest(store, { ...manifestOf('2026-11-19', 'exec-1'), status: 'succeeded' });
    const notifier = new RecordingNotifier();
    const cause = JSON.stringify({ errorType: 'CrawlerFailedError', errorMessage: 'The crawler failed: access denied.', trace: [] });
    // Act
    const output = await runNotifyFailure({ store, notifier, clock, leases: new MemoryDateLeases() })({ error: { Error: 'CrawlerFailedError', Cause: cause }, plan });
    // Assess
    expect(output).toEqual({ error: 'CrawlerFailedError', message: 'The crawler failed: access denied.', failedDates: ['2026-11-18'] });
    expect((store.json(runManifestKey('2026-11-18')) as RunManifest).error).toEqual({ name: 'CrawlerFailedError', message: 'The crawler failed: access denied.' });
    expect((store.json(runManifestKey('2026-11-19')) as RunManifest).status).toBe('succeeded');
    expect(notifier.sent).toEqual([
      {
        subject: 'spotify-etl: CrawlerFailedError',
        message: expect.stringContaining('backfill run exec-2 for 2026-11-18, 2026-11-19 failed with CrawlerFailedError: The crawler failed: access denied.'),
      },
    ]);
  });

  it('notifies without touching any manifest when the run failed before it had a plan', async () => {
    const store = new MemoryBlobStore();
    const notifier = new RecordingNotifier();

    const output = await runNotifyFailure({ store, notifier, clock, leases: new MemoryDateLeases() })({ error: { Error: 'InvalidInputError', Cause: 'mode: "weekly" is not a run mode' } });

    expect(output.failedDates).toEqual([]);
    expect(store.puts).toEqual([]);
    expect(notifier.sent[0]?.message).toContain('mode: "weekly" is not a run mode');
  });
});
