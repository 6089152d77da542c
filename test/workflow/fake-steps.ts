/**
 * Fake steps for workflow scenarios: each decodes its input with the step's own contract and
 * returns a fixture, so a scenario tests the rendered ASL's wiring, not the step logic.
 */
import type * as t from 'io-ts';
import { decodeStepInput, type StepDefinition, type StepInput, type StepOutput } from '../../core/step';
import type { TaskHandler } from '../../state-machine/local-executor';
import { steps, type AnyStep } from '../../steps/registry';

/** A playlist id the fakes serve. */
export const playlistA = '1Cp6VQCKf2VL4sP09jN9oX';
/** A second playlist id the fakes serve. */
export const playlistB = '3toMXYM91T55pKzuysH5Ph';
/** The date the fake ValidateInput plans. */
export const fakeDate = '2026-11-20';
/** Entries each fake playlist holds: three pages of 50. */
export const fakeTotal = 120;

type Fake<S extends StepDefinition> = (input: StepInput<S>, call: number) => Promise<StepOutput<S>> | StepOutput<S>;
type Fakes = { -readonly [K in keyof typeof steps]: Fake<(typeof steps)[K]> };

/** The happy-path behaviour of every step. */
export const happyFakes = (): Fakes => ({
  validateInput: (input) => ({
    run: { mode: 'manual', executionName: input.executionName, startedAt: '2026-11-20T06:00:00.000Z', full: false },
    playlistIds: [playlistA, playlistB],
    rebuildLanded: false,
    dates: [{ date: fakeDate, extract: true }],
    skipped: [],
  }),
  fetchToken: () => ({ expiresAt: '2026-11-20T07:00:00.000Z' }),
  getPlaylist: (input) => ({ ...input, snapshotId: 'snap', cursor: { offset: 0, total: fakeTotal } }),
  extractItems: (input) => {
    const offset = Math.min(input.cursor.offset + 50, input.cursor.total);
    return { ...input, cursor: { ...input.cursor, offset }, done: offset >= input.cursor.total, waitSeconds: 0, pagesStored: 1 };
  },
  normalise: (input) => ({
    date: input.date,
    playlists: input.playlistIds.length,
    missing: [],
    tables: { playlists: 2, playlist_items: 240, songs: 200, albums: 50, artists: 60, song_artists: 210, album_artists: 55, playlist_changes: 0 },
    rejectCount: 0,
  }),
  startCrawler: () => ({ state: 'running', polls: 0 }),
  pollCrawler: (input) => ({ state: 'succeeded', polls: input.polls + 1 }),
  startValidation: (input) => ({ date: input.date, executionName: input.executionName, queryId: `q-${input.date}`, state: 'running', polls: 0 }),
  pollValidation: (input) => ({ ...input, state: 'succeeded', polls: input.polls + 1 }),
  evaluateValidation: (input) => ({ date: input.date, checks: 8 }),
  recordRun: (input) => ({ published: input.plan.dates.map((d) => d.date), skipped: input.plan.skipped }),
  writeReport: (input) => ({ latest: 'reports/latest.html', dated: input.published.length === 0 ? null : `reports/snapshot_date=${input.published.at(-1)}/index.html` }),
  notifyFailure: (input) => ({ error: input.error.Error, message: input.error.Cause ?? '', failedDates: [] }),
});

/** Local handlers by state name from fakes; `calls` counts each state's invocations. */
export const handlersOf = (fakes: Fakes): { handlers: Record<string, TaskHandler>; calls: Map<string, number> } => {
  const calls = new Map<string, number>();
  const handlers = Object.fromEntries(
    (Object.keys(steps) as (keyof typeof steps)[]).map((key) => {
      const step: AnyStep = steps[key];
      const fake = fakes[key] as Fake<AnyStep>;
      const handler: TaskHandler = async (payload) => {
        const call = (calls.get(step.stateName) ?? 0) + 1;
        calls.set(step.stateName, call);
        return (step.output as t.Mixed).encode(await fake(decodeStepInput(step, payload), call));
      };
      return [step.stateName, handler];
    }),
  );
  return { handlers, calls };
};

