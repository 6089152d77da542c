/** The steps that take and give back the date leases: ValidateInput, RecordRun, NotifyFailure. */
import { describe, expect, it } from 'vitest';
import { DateInUseError } from '../../../core/errors';
import { rawPlaylistKey } from '../../../core/lake/keys';
import { buildAttempt, withAttempt } from '../../../core/lake/manifest';
import { writeManifest } from '../../../core/manifests';
import type { RunPlan } from '../../../core/run-input';
import { runNotifyFailure } from '../../../steps/notify-failure/step';
import { runRecordRun } from '../../../steps/record-run/step';
import { runValidateInput } from '../../../steps/validate-input/step';
import { fixedClock, MemoryBlobStore, MemoryDateLeases, RecordingNotifier, RecordingRestarts } from './fakes';

const clock = fixedClock('2026-11-20T09:30:00Z');
const playlist = '37i9dQZF1DZ06evO25rXbO';

const planOf = (executionName: string, dates: string[]): RunPlan => ({
  run: { mode: 'backfill', executionName, startedAt: '2026-11-20T09:30:00.000Z' },
  playlistIds: [playlist],
  rebuildLanded: false,
  dates: dates.map((date) => ({ date, extract: false })),
  skipped: [],
});

describe('one writer per date', () => {
  it('ValidateInput leases every planned date to the execution, not the skipped ones', async () => {
    // Prepare
    const store = new MemoryBlobStore();
    await store.put(rawPlaylistKey('2026-11-18', playlist), '{}');
    const leases = new MemoryDateLeases();
    // Act
    await runValidateInput({ clock, store, defaultPlaylists: [playlist], leases })({
      request: { mode: 'backfill', from: '2026-11-17', to: '2026-11-18' },
      executionName: 'backfill-1',
    });
    // Assess
    expect(Object.fromEntries(leases.holders)).toEqual({ '2026-11-18': 'backfill-1' });
  });

  it('ValidateInput refuses a run whose date another execution holds, naming that execution', async () => {
    // Prepare
    const leases = new MemoryDateLeases();
    leases.holders.set('2026-11-20', 'scheduled-2026-11-20');
    // Act
    const refused = runValidateInput({ clock, store: new MemoryBlobStore(), defaultPlaylists: [playlist], leases })({
      request: { mode: 'manual', date: '2026-11-20' },
      executionName: 'manual-2026-11-20',
    });
    // Assess
    await expect(refused).rejects.toThrow(DateInUseError);
    await expect(refused).rejects.toThrow('2026-11-20 is being written by scheduled-2026-11-20');
    expect(leases.holders.get('2026-11-20')).toBe('scheduled-2026-11-20');
  });

  it('RecordRun gives back the leases of the run it records', async () => {
    // Prepare
    const store = new MemoryBlobStore();
    const leases = new MemoryDateLeases();
    const plan = planOf('exec-2', ['2026-11-18']);
    await leases.acquire(['2026-11-18'], 'exec-2');
    await writeManifest(
      store,
      withAttempt('2026-11-18', undefined, buildAttempt({ status: 'validated', mode: 'backfill', executionName: 'exec-2', extractedAt: null, updatedAt: '2026-11-20T09:00:00.000Z' })),
    );
    // Act
    await runRecordRun({ store, clock, leases })({ plan });
    // Assess
    expect(leases.holders.size).toBe(0);
  });

  it('NotifyFailure gives back only the leases this execution holds', async () => {
    // Prepare
    const leases = new MemoryDateLeases();
    leases.holders.set('2026-11-18', 'exec-2');
    leases.holders.set('2026-11-19', 'exec-1');
    // Act
    await runNotifyFailure({ store: new MemoryBlobStore(), notifier: new RecordingNotifier(), clock, leases, restarts: new RecordingRestarts() })({
      error: { Error: 'QueryFailedError', Cause: 'boom' },
      plan: planOf('exec-2', ['2026-11-18', '2026-11-19']),
    });
    // Assess
    expect(Object.fromEntries(leases.holders)).toEqual({ '2026-11-19': 'exec-1' });
  });

  it('NotifyFailure of a run refused for a date in use gives back nothing: it had no plan and holds nothing', async () => {
    // Prepare
    const leases = new MemoryDateLeases();
    leases.holders.set('2026-11-20', 'scheduled-2026-11-20');
    // Act
    await runNotifyFailure({ store: new MemoryBlobStore(), notifier: new RecordingNotifier(), clock, leases, restarts: new RecordingRestarts() })({
      error: { Error: 'DateInUseError', Cause: '2026-11-20 is being written by scheduled-2026-11-20' },
    });
    // Assess
    expect(leases.holders.get('2026-11-20')).toBe('scheduled-2026-11-20');
  });
});
