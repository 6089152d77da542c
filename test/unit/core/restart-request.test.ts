/** A throttled run's restart runs the same dates and playlists, rebuilt from its plan. */
import { describe, expect, it } from 'vitest';
import { parseRunRequest, restartRequestOf, type RunPlan } from '../../../core/run-input';

const planOf = (mode: RunPlan['run']['mode'], overrides: Partial<RunPlan> = {}): RunPlan => ({
  run: { mode, executionName: 'exec-1', startedAt: '2026-11-20T23:50:00.000Z' },
  playlistIds: ['37i9dQZF1DZ06evO25rXbO'],
  rebuildLanded: false,
  dates: [{ date: '2026-11-20', extract: true }],
  skipped: [],
  ...overrides,
});

describe('the restart of a throttled run', () => {
  it('runs a scheduled date again as a manual run of that date, so a restart after midnight does not move to the next day', () => {
    expect(restartRequestOf(planOf('scheduled'))).toEqual({ mode: 'manual', date: '2026-11-20', playlists: ['37i9dQZF1DZ06evO25rXbO'] });
  });

  it('keeps a full read full', () => {
    const plan = planOf('manual', { run: { mode: 'manual', executionName: 'exec-1', startedAt: '2026-11-20T10:00:00.000Z', full: true } });

    expect(restartRequestOf(plan)).toMatchObject({ mode: 'manual', full: true });
  });

  it('backfills the same range, skipped ends included, and names no playlists when the run rebuilt whatever landed', () => {
    const plan = planOf('backfill', { rebuildLanded: true, dates: [{ date: '2026-11-18', extract: false }], skipped: ['2026-11-17', '2026-11-19'] });

    expect(restartRequestOf(plan)).toEqual({ mode: 'backfill', from: '2026-11-17', to: '2026-11-19' });
  });

  it('is a request the pipeline accepts, planning the same dates and playlists', () => {
    const plan = planOf('backfill', { dates: [{ date: '2026-11-19', extract: false }, { date: '2026-11-20', extract: true }] });

    const again = parseRunRequest(restartRequestOf(plan), '2026-11-20', []);

    expect([again.dates, again.playlistIds]).toEqual([['2026-11-19', '2026-11-20'], plan.playlistIds]);
  });
});
