/**
 * Fake steps for workflow scenarios: each decodes its input with the step's own contract and
 * answers, so a scenario tests the rendered ASL's wiring, not the step logic. Every registered
 * step answers with its golden output (test/contract/steps/, recorded by `npm run goldens`)
 * unless the flow needs an answer that follows its input: the plan, the paging.
 */
import type * as t from 'io-ts';
import { tryDecode } from '../../core/decode';
import { decodeStepInput, type StepDefinition, type StepInput, type StepOutput } from '../../core/step';
import type { TaskHandler } from '../../state-machine/local-executor';
import { steps, type AnyStep } from '../../steps/registry';
import { missingGolden, newestGolden, readGoldens } from '../contract/goldens';

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

/** A step's newest golden output, checked against its output contract: what it answers by default. */
export const goldenAnswer = <S extends AnyStep>(step: S, goldens = readGoldens()): StepOutput<S> => {
  const golden = newestGolden(step, goldens);
  if (golden === undefined) throw new Error(missingGolden(step));
  const decoded = tryDecode(step.output as t.Mixed, golden.json.output);
  if (!decoded.ok) throw new Error(`test/contract/steps/${golden.file}: its output no longer decodes with the ${step.stateName} contract (${decoded.problems.join('; ')}); record it again with \`npm run goldens -- ${step.dir}\``);
  return decoded.value as StepOutput<S>;
};

/** Every registered step answering with its golden output, whatever its input. */
export const goldenFakes = (): Fakes => {
  const goldens = readGoldens();
  return Object.fromEntries(
    (Object.keys(steps) as (keyof typeof steps)[]).map((key) => {
      const answer = goldenAnswer(steps[key], goldens);
      return [key, () => answer];
    }),
  ) as unknown as Fakes;
};

/** The happy-path behaviour of every step: its golden answer, or one that follows its input where the flow needs it. */
export const happyFakes = (): Fakes => ({
  ...goldenFakes(),
  // The plan the machine fans out: two playlists of one date.
  validateInput: (input) => ({
    run: { mode: 'manual', executionName: input.executionName, startedAt: '2026-11-20T06:00:00.000Z', full: false },
    playlistIds: [playlistA, playlistB],
    rebuildLanded: false,
    dates: [{ date: fakeDate, extract: true }],
    skipped: [],
    readsSpotify: true,
  }),
  // Paging: each playlist is read in pages of 50 until its total.
  getPlaylist: (input) => ({ ...input, snapshotId: 'snap', cursor: { offset: 0, total: fakeTotal } }),
  extractItems: (input) => {
    const offset = Math.min(input.cursor.offset + 50, input.cursor.total);
    return { ...input, cursor: { ...input.cursor, offset }, done: offset >= input.cursor.total, waitSeconds: 0, pagesStored: 1 };
  },
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

