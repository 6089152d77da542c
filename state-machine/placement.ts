/**
 * Where a step that runs once per run goes in the machine, said by its registry line
 * (steps/registry.ts) instead of by hand in the definition: after which part of the run, given
 * which fields of the run's state, its result into which field. The definition
 * (state-machine/definition.ts) chains each placed step as a Task after its part, catches its
 * errors into the failure branch and retries its transient ones, as for any step.
 *
 * Type imports only: the registry is loaded by the command line and every Lambda, which must not
 * load CDK (paths.ts does).
 */
import type { StepDefinition, StepInput, StepOutput } from '../core/step';
import type { KeyPath } from './paths';
import type { RunStateBase } from './payloads';

/**
 * The parts of the run, in the order they run, that a placed step may follow; all come before
 * publication, so a placed step's failure fails the run with nothing published:
 * - `plan`: StartRun → ValidateInput (the plan is at `$.plan`);
 * - `dates`: ForEachDate, every date's playlists extracted and normalised;
 * - `catalog`: StartCrawler and its poll loop, the run's partitions registered;
 * - `validation`: ValidateEachDate, every date's checks passed.
 */
export const runParts = ['plan', 'dates', 'catalog', 'validation'] as const;
export type RunPart = (typeof runParts)[number];

/** A placed step's place: its part, the JSONPath of each input field, and its result's field. */
export interface Placement<F extends string = string> {
  readonly after: RunPart;
  /**
   * Each field of the step's input, as the key path of the run's state it is read from: a field
   * the machine's own parts fill (RunStateBase), not another placed step's result, so that the
   * run's state type is not defined in terms of itself.
   */
  readonly given: Readonly<Record<string, readonly string[]>>;
  /** The field of the run's state its result goes to (a new one: RunState gains it, typed). */
  readonly into: F;
}

/** A step with its place in the run. */
export type PlacedStep<S extends StepDefinition = StepDefinition, F extends string = string> = S & { readonly placement: Placement<F> };

/**
 * Places `step` after `after`: each field of its input read from a key path of the run's state
 * (which must exist: a missing field, or a renamed one, fails to compile), its result into
 * `into`, which must not be a field the machine's own parts already use.
 * @example placed(fetchToken, { after: 'plan', given: { executionName: ['plan', 'run', 'executionName'] }, into: 'token' })
 */
export const placed = <S extends StepDefinition, F extends string>(
  step: S,
  placement: {
    readonly after: RunPart;
    readonly given: { readonly [K in keyof StepInput<S>]-?: KeyPath<RunStateBase> };
    readonly into: F extends keyof RunStateBase ? never : F;
  },
): PlacedStep<S, F> => ({ ...step, placement });

/** The fields placed steps add to the run's state, each typed by its step's output. */
export type PlacedResults<Steps> = {
  readonly [K in keyof Steps as Steps[K] extends { readonly placement: Placement<infer F> } ? F : never]: Steps[K] extends StepDefinition ? StepOutput<Steps[K]> : never;
};

/** Whether a registered step carries a placement. */
export const isPlaced = <S extends StepDefinition>(step: S): step is S & { readonly placement: Placement } => 'placement' in step;
