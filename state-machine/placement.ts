/**
 * Where a step that runs once per run goes in the machine, said by its registry line
 * (steps/registry.ts) instead of by hand in the definition: after which part of the run, given
 * which fields of the run's state, its result into which field. The definition
 * (state-machine/definition.ts) chains each placed step as a Task after its part, catches its
 * errors into the failure branch and retries its transient ones, as for any step.
 *
 * Type imports only: the registry is loaded by the command line, which must not load CDK
 * (paths.ts does); eslint holds the registry to this module of state-machine/.
 */
import type { StepDefinition, StepInput, StepOutput } from '../core/step';
import type { KeyPath } from './paths';
import type { RunStateBase } from './payloads';

/**
 * The parts of the run, in the order they run, that a placed step may follow, each with the
 * fields of the run's state that hold a value once it has run. All come before publication, so a
 * placed step's failure fails the run with nothing published:
 * - `plan`: StartRun → ValidateInput (the plan replaces the request at `$.plan`);
 * - `dates`: ForEachDate, every date's playlists extracted and normalised;
 * - `catalog`: StartCrawler and its poll loop, the run's partitions registered (`$.crawl`);
 * - `validation`: ValidateEachDate, every date's checks passed.
 * The report, the error and the notification come later or only on the failure branch, so no
 * placed step may read them.
 */
interface StateAfter {
  readonly plan: Pick<RunStateBase, 'plan'>;
  readonly dates: Pick<RunStateBase, 'plan'>;
  readonly catalog: Pick<RunStateBase, 'plan' | 'crawl'>;
  readonly validation: Pick<RunStateBase, 'plan' | 'crawl'>;
}

/** A part of the run a placed step may follow. */
export type RunPart = keyof StateAfter;

/** The value at the key path `P` of `T`. */
type ValueAt<T, P> = P extends readonly [infer Head extends keyof T & string, ...infer Rest]
  ? Rest extends readonly [] ? T[Head] : ValueAt<NonNullable<T[Head]>, Rest>
  : never;

/** The key paths of `T` whose value fits a field of type `V`. */
type PathTo<T, V> = KeyPath<T> extends infer P ? (P extends KeyPath<T> ? ([ValueAt<T, P>] extends [V] ? P : never) : never) : never;

declare const placedBrand: unique symbol;

/** A placed step's place: its part, the key path of each input field, and its result's field. Only {@link placed} makes one. */
export interface Placement<F extends string = string> {
  readonly after: RunPart;
  /** Each field of the step's input, as the key path of the run's state it is read from. */
  readonly given: Readonly<Record<string, readonly string[]>>;
  /** The field of the run's state its result goes to (a new one: RunState gains it, typed). */
  readonly into: F;
  /** The key path of a boolean of the run's state: the step runs only when it is true, else the run goes on without it. */
  readonly when?: readonly string[];
  readonly [placedBrand]: true;
}

/** A step with its place in the run. */
export type PlacedStep<S extends StepDefinition = StepDefinition, F extends string = string> = S & { readonly placement: Placement<F> };

/**
 * Places `step` after the part `after`: each field of its input read from a key path of the run's
 * state that holds a value of that field's type by then ({@link StateAfter}: a field not there
 * yet, misspelt, renamed or of another type fails to compile), its result into `into`, a plain
 * name the machine's own parts do not use (another placed step's is refused by the placement
 * test of test/workflow/definition.test.ts).
 * With `when`, the key path of a boolean the state holds by then, a Choice runs the step only when
 * that boolean is true.
 * @example placed(fetchToken, { after: 'plan', given: { executionName: ['plan', 'run', 'executionName'] }, into: 'token', when: ['plan', 'readsSpotify'] })
 */
export const placed = <S extends StepDefinition, A extends RunPart, F extends string>(
  step: S,
  placement: {
    readonly after: A;
    readonly given: { readonly [K in keyof StepInput<S>]-?: PathTo<StateAfter[A], StepInput<S>[K]> };
    readonly into: string extends F ? never : F extends keyof RunStateBase ? never : F;
    readonly when?: PathTo<StateAfter[A], boolean>;
  },
): PlacedStep<S, F> => ({ ...step, placement: placement as unknown as Placement<F> });

/** The fields placed steps add to the run's state, each typed by its step's output. */
export type PlacedResults<Steps> = {
  readonly [K in keyof Steps as Steps[K] extends { readonly placement: Placement<infer F> } ? F : never]: Steps[K] extends StepDefinition ? StepOutput<Steps[K]> : never;
};

/** Whether a registered step carries a placement. */
export const isPlaced = <S extends StepDefinition>(step: S): step is S & { readonly placement: Placement } => 'placement' in step;
