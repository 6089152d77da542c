import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../core/errors';
import { rawPlaylistKey } from '../../../core/lake/keys';
import { steps } from '../../../steps/registry';
import { runValidateInput } from '../../../steps/validate-input/step';
import { fixedClock, MemoryBlobStore, MemoryDateLeases } from './fakes';

const configured = ['37i9dQZF1DZ06evO25rXbO', '5lH9NjOeJvctAO92ZrKQNB'];

const plan = async (request: unknown, options: { today?: string; landed?: [string, string][] } = {}) => {
  const store = new MemoryBlobStore();
  for (const [date, id] of options.landed ?? []) await store.put(rawPlaylistKey(date, id), '{}');
  const clock = fixedClock(`${options.today ?? '2026-11-20'}T09:30:00Z`);
  return runValidateInput({ clock, store, defaultPlaylists: configured, leases: new MemoryDateLeases() })({ request, executionName: 'exec-1' });
};

const failureOf = async (request: unknown): Promise<Error> => {
  try {
    await plan(request);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the request to be refused');
};

describe(steps.validateInput.stateName, () => {
  it('plans a scheduled run for the UTC date of the scheduled time, not the start time', async () => {
    const result = await plan({ mode: 'scheduled', scheduledTime: '2026-11-19T23:30:00-02:00' });

    expect(result.dates).toEqual([{ date: '2026-11-20', extract: true }]);
    expect(result.run).toEqual({ mode: 'scheduled', executionName: 'exec-1', startedAt: '2026-11-20T09:30:00.000Z', full: false });
    expect(result.playlistIds).toEqual(configured);
  });

  it('extracts a manual date fresh, for the playlists given', async () => {
    const result = await plan({ mode: 'manual', date: '2026-11-02', playlists: ['1Cp6VQCKf2VL4sP09jN9oX', '1Cp6VQCKf2VL4sP09jN9oX'] });

    expect(result.dates).toEqual([{ date: '2026-11-02', extract: true }]);
    expect(result.playlistIds).toEqual(['1Cp6VQCKf2VL4sP09jN9oX']);
  });

  it('rebuilds every backfill date with raw snapshots of any playlist when the input names none, extracts today and skips dates without raw data', async () => {
    // Prepare
    const landed: [string, string][] = [['2026-11-17', configured[0] as string], ['2026-11-19', 'someOtherPlaylist0000A']];
    // Act
    const result = await plan({ mode: 'backfill', from: '2026-11-17', to: '2026-11-20' }, { landed });
    // Assess
    expect(result.dates).toEqual([
      { date: '2026-11-17', extract: false },
      { date: '2026-11-19', extract: false },
      { date: '2026-11-20', extract: true },
    ]);
    expect(result.skipped).toEqual(['2026-11-18']);
    expect(result.rebuildLanded).toBe(true);
  });

  it('rebuilds only the dates where a named playlist landed when the backfill names playlists', async () => {
    // Prepare
    const landed: [string, string][] = [['2026-11-17', configured[0] as string], ['2026-11-18', 'someOtherPlaylist0000A']];
    // Act
    const result = await plan({ mode: 'backfill', from: '2026-11-17', to: '2026-11-18', playlists: [configured[0]] }, { landed });
    // Assess
    expect(result.dates).toEqual([{ date: '2026-11-17', extract: false }]);
    expect(result.skipped).toEqual(['2026-11-18']);
    expect(result.rebuildLanded).toBe(false);
  });

  it.each([
    ['from > to', { mode: 'backfill', from: '2026-11-10', to: '2026-11-01' }, 'from: "2026-11-10" is after to: "2026-11-01"'],
    ['a malformed date', { mode: 'manual', date: '2026-11-31' }, 'date: "2026-11-31" is not a calendar date'],
    ['a range over 366 days', { mode: 'backfill', from: '2025-01-01', to: '2026-11-20' }, 'covers 689 dates; a backfill covers at most 366'],
    ['a future date', { mode: 'manual', date: '2026-11-21' }, 'date: "2026-11-21" is in the future (today is 2026-11-20 UTC)'],
    ['an unknown mode', { mode: 'weekly' }, 'mode: "weekly" is not a run mode'],
    ['an empty playlist list', { mode: 'manual', date: '2026-11-20', playlists: [] }, 'playlists: [] is empty'],
    ['a malformed playlist id', { mode: 'manual', date: '2026-11-20', playlists: ['not-an-id'] }, 'playlists: "not-an-id" is not a Spotify playlist id'],
    ['an unknown field', { mode: 'manual', date: '2026-11-20', playlist: ['x'] }, 'playlist: not a field of a manual run'],
    ['a field of another mode', { mode: 'manual', from: '2026-11-01' }, 'from: not a field of a manual run'],
    ['a missing date', { mode: 'manual' }, 'date: nothing is not a calendar date'],
    ['a bad scheduled time', { mode: 'scheduled', scheduledTime: 'yesterday' }, 'scheduledTime: "yesterday" is not an ISO 8601 time'],
    ['a non-object input', 'run it', 'the run input "run it" is not a JSON object'],
    [
      'more playlists than one execution holds',
      { mode: 'manual', date: '2026-11-20', playlists: Array.from({ length: 10_001 }, (_, index) => `p${String(index).padStart(21, '0')}`) },
      'playlists: 10,001 playlists are more than one execution reads (at most 10,000',
    ],
  ])('fails on %s with a message naming the field, the value and the rule', async (_case, request, message) => {
    const error = await failureOf(request);

    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.name).toBe('InvalidInputError');
    expect(error.message).toContain(message);
  });

  it('refuses 10,000 playlists over a 366-date backfill, whose plan would not fit the run state, before it leases a date', async () => {
    // Prepare
    const leases = new MemoryDateLeases();
    const playlists = Array.from({ length: 10_000 }, (_, index) => `p${String(index).padStart(21, '0')}`);
    const validate = runValidateInput({ clock: fixedClock('2026-11-20T09:30:00Z'), store: new MemoryBlobStore(), defaultPlaylists: configured, leases });
    // Act
    const refused = validate({ request: { mode: 'backfill', from: '2025-11-20', to: '2026-11-20', playlists }, executionName: 'exec-1' });
    // Assess
    await expect(refused).rejects.toThrow(InvalidInputError);
    await expect(refused).rejects.toThrow(
      /^from\/to, playlists: 10,000 playlists over 366 dates take 268,\d{3} bytes of the run's state, more than the 253,952 it holds for them .*; split the backfill into shorter ranges or fewer playlists$/,
    );
    expect(leases.holders.size).toBe(0);
  });

  describe('with 10,000 playlists configured', () => {
    const manyConfigured = Array.from({ length: 10_000 }, (_, index) => `c${String(index).padStart(21, '0')}`);
    const validate = (request: unknown, landed: readonly string[] = []) => {
      const store = new MemoryBlobStore();
      const landing = Promise.all(landed.map((date) => store.put(rawPlaylistKey(date, 'someOtherPlaylist0000A'), '{}')));
      const validateInput = runValidateInput({ clock: fixedClock('2026-11-20T09:30:00Z'), store, defaultPlaylists: manyConfigured, leases: new MemoryDateLeases() });
      return landing.then(() => validateInput({ request, executionName: 'exec-1' }));
    };

    it('takes a long backfill of past dates naming no playlists, whose plan carries none: it rebuilds every playlist landed', async () => {
      const result = await validate({ mode: 'backfill', from: '2026-06-01', to: '2026-11-19' }, ['2026-06-01', '2026-11-19']);

      expect(result.playlistIds).toEqual([]);
      expect(result.rebuildLanded).toBe(true);
      expect(result.dates).toEqual([
        { date: '2026-06-01', extract: false },
        { date: '2026-11-19', extract: false },
      ]);
      expect(result.skipped).toHaveLength(170);
    });

    it('still refuses the same backfill through today, which extracts the configured playlists', async () => {
      await expect(validate({ mode: 'backfill', from: '2026-06-01', to: '2026-11-20' })).rejects.toThrow(
        /^from\/to, playlists: 10,000 playlists over 173 dates take [\d,]+ bytes of the run's state, more than the 253,952 it holds for them/,
      );
    });

    it('still refuses the same past-only backfill when it names the playlists, which it then rebuilds only', async () => {
      await expect(validate({ mode: 'backfill', from: '2026-06-01', to: '2026-11-19', playlists: manyConfigured })).rejects.toThrow(/10,000 playlists over 172 dates/);
    });
  });

  it.each([
    ['a 1 MB mode', { mode: 'x'.repeat(1_000_000) }, 'mode: "xxx'],
    ['a 1 MB unknown field name', { mode: 'manual', date: '2026-11-20', ['y'.repeat(1_000_000)]: 1 }, 'yyy'],
    ['a 1 MB input string', 'z'.repeat(1_000_000), 'the run input "zzz'],
  ])('quotes %s cut to a readable length, ending in an ellipsis', async (_case, request, start) => {
    const error = await failureOf(request);

    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toContain(start);
    expect(error.message).toContain('…');
    expect(error.message.length).toBeLessThan(250);
  });

  it.each([null, 42, [1, 2], true])('refuses the input %j as not a JSON object', async (request) => {
    const error = await failureOf(request);

    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toContain(`the run input ${JSON.stringify(request)} is not a JSON object`);
  });
});
