/** A throttled run's restart runs the same dates and playlists, each as the run planned it, rebuilt from its plan. */
import { describe, expect, it } from 'vitest';
import { rawPlaylistKey } from '../../../core/lake/keys';
import { parseRunRequest, restartRequestsOf, type RunPlan } from '../../../core/run-input';
import { runValidateInput } from '../../../steps/validate-input/step';
import { MemoryBlobStore, MemoryDateLeases } from '../../unit/steps/fakes';

const id = '37i9dQZF1DZ06evO25rXbO';

const planOf = (mode: RunPlan['run']['mode'], overrides: Partial<RunPlan> = {}): RunPlan => ({
  run: { mode, executionName: 'exec-1', startedAt: '2026-11-20T23:50:00.000Z' },
  playlistIds: [id],
  rebuildLanded: false,
  dates: [{ date: '2026-11-20', extract: true }],
  skipped: [],
  ...overrides,
});

/** ValidateInput's plan of `request` on the clock's day, over `store`, with its own leases. */
const plan = (store: MemoryBlobStore, at: string, request: unknown, executionName: string): Promise<RunPlan> =>
  runValidateInput({ clock: { now: () => new Date(at) }, store, defaultPlaylists: [id], leases: new MemoryDateLeases() })({ request, executionName });

describe('the restart of a throttled run', () => {
  it('runs a scheduled date again as a manual run of that date, so a restart after midnight does not move to the next day', () => {
    expect(restartRequestsOf(planOf('scheduled'))).toEqual([{ mode: 'manual', date: '2026-11-20', playlists: [id] }]);
  });

  it('runs a manual date again as it was', () => {
    expect(restartRequestsOf(planOf('manual', { dates: [{ date: '2026-11-19', extract: true }] }))).toEqual([{ mode: 'manual', date: '2026-11-19', playlists: [id] }]);
  });

  it('keeps a full read full', () => {
    const full = planOf('backfill', {
      run: { mode: 'backfill', executionName: 'exec-1', startedAt: '2026-11-20T10:00:00.000Z', full: true },
      dates: [{ date: '2026-11-19', extract: false }, { date: '2026-11-20', extract: true }],
    });

    expect(restartRequestsOf(full).map((request) => request['full'])).toEqual([true, true]);
  });

  it('backfills the same range, skipped ends included, and names no playlists when the run rebuilt whatever landed', () => {
    const rebuilt = planOf('backfill', { rebuildLanded: true, dates: [{ date: '2026-11-18', extract: false }], skipped: ['2026-11-17', '2026-11-19'] });

    expect(restartRequestsOf(rebuilt)).toEqual([{ mode: 'backfill', from: '2026-11-17', to: '2026-11-19' }]);
  });

  it("extracts again a backfill's date it extracted (today), as a manual run of it with the run's playlists, and backfills the dates before it", () => {
    const throttled = planOf('backfill', { rebuildLanded: true, dates: [{ date: '2026-11-19', extract: false }, { date: '2026-11-20', extract: true }], skipped: ['2026-11-18'] });

    expect(restartRequestsOf(throttled)).toEqual([
      { mode: 'backfill', from: '2026-11-18', to: '2026-11-19' },
      { mode: 'manual', date: '2026-11-20', playlists: [id] },
    ]);
  });

  it('restarts a backfill of only today as a manual run of it, extracted after midnight too', async () => {
    // Prepare
    const store = new MemoryBlobStore();
    const throttled = await plan(store, '2026-11-20T23:00:00Z', { mode: 'backfill', from: '2026-11-20', to: '2026-11-20' }, 'exec-1');
    // Act
    const restarts = restartRequestsOf(throttled);
    const again = await Promise.all(restarts.map((request, i) => plan(store, '2026-11-21T01:00:00Z', request, `exec-2-${i}`)));
    // Assess
    expect(restarts).toEqual([{ mode: 'manual', date: '2026-11-20', playlists: [id] }]);
    expect(again.map(({ dates }) => dates)).toEqual([[{ date: '2026-11-20', extract: true }]]);
  });

  it('extracts the date a backfill up to today extracted when it restarts after midnight, and rebuilds the dates before it', async () => {
    // Prepare: a backfill of 2026-11-18..20 planned on the 20th; the 19th had landed, the 18th had not;
    // Spotify throttled it after the 20th's playlist.json landed
    const store = new MemoryBlobStore();
    await store.put(rawPlaylistKey('2026-11-19', id), '{}');
    const throttled = await plan(store, '2026-11-20T23:00:00Z', { mode: 'backfill', from: '2026-11-18', to: '2026-11-20', playlists: [id] }, 'exec-1');
    await store.put(rawPlaylistKey('2026-11-20', id), '{}');
    // Act: each restart request, accepted and planned after midnight
    const restarts = restartRequestsOf(throttled);
    const parsed = restarts.map((request) => parseRunRequest(request, '2026-11-21', []));
    const again = await Promise.all(restarts.map((request, i) => plan(store, '2026-11-21T01:00:00Z', request, `exec-2-${i}`)));
    // Assess
    expect(throttled.dates).toEqual([{ date: '2026-11-19', extract: false }, { date: '2026-11-20', extract: true }]);
    expect(parsed.map(({ dates, playlistIds }) => [dates, playlistIds])).toEqual([
      [['2026-11-18', '2026-11-19'], [id]],
      [['2026-11-20'], [id]],
    ]);
    expect(again.map(({ dates, skipped }) => [dates, skipped])).toEqual([
      [[{ date: '2026-11-19', extract: false }], ['2026-11-18']],
      [[{ date: '2026-11-20', extract: true }], []],
    ]);
  });
});
