/**
 * The glue every step shares, written once: a step's definition (state name, folder, codecs,
 * declared errors, timeout, resources) and the handler shape decode → run → encode (STYLE.md §3).
 */
import type * as t from 'io-ts';
import { decodeOrThrow } from './decode';
import { ErrorName, InvalidStepInputError } from './errors';
import type { StepResources } from './resources';

/** What the state machine and the handler both know about a step. */
export interface StepDefinition<N extends string = string, I extends t.Mixed = t.Mixed, O extends t.Mixed = t.Mixed> {
  /** The state's name in the machine, also its construct id and local task binding: keep it stable. */
  readonly stateName: N;
  /** The step's folder below steps/, kebab-case. */
  readonly dir: string;
  readonly input: I;
  readonly output: O;
  /** Every error the step may throw; each must be retried or caught by the machine. */
  readonly errors: readonly ErrorName[];
  /** The Task's TimeoutSeconds, and the Lambda's timeout. */
  readonly timeoutSeconds: number;
  /** What the step uses (core/resources.ts): its grants, environment and ports derive from it. */
  readonly resources: StepResources;
  /**
   * Where a step that calls Spotify stores the requests each invocation sent (core/requests.ts): a
   * key stem below raw/requests/ its `resources.lake` writes, to which each invocation appends its
   * own id and counts (undefined: counted, not stored); the wiring counts and stores them.
   */
  // A method, so that a step of a narrower input is still a StepDefinition (methods are bivariant).
  requestsStem?(input: t.TypeOf<I>): string | undefined;
  /**
   * Numbers of a successful output that the AWS handler publishes as CloudWatch metrics under the
   * step's `stateName`, besides the outcome and duration every step has; an alarm may watch them.
   */
  metricsOf?(output: t.OutputOf<O>): readonly StepMetric[];
}

/** One CloudWatch metric a step publishes (Embedded Metric Format; units as CloudWatch names them). */
export interface StepMetric {
  readonly name: string;
  readonly unit: 'Count' | 'None';
  readonly value: number;
}

/** The type a step's runner receives. */
export type StepInput<S extends StepDefinition> = t.TypeOf<S['input']>;
/** The type a step's runner returns. */
export type StepOutput<S extends StepDefinition> = t.TypeOf<S['output']>;
/** A step's logic once its ports are bound: decoded input in, domain output out. */
export type StepRunner<S extends StepDefinition> = (input: StepInput<S>) => Promise<StepOutput<S>>;

/** Declares a step; every step may also throw {@link InvalidStepInputError}, so it is always declared. */
export const defineStep = <N extends string, I extends t.Mixed, O extends t.Mixed>(
  spec: StepDefinition<N, I, O>,
): StepDefinition<N, I, O> => ({
  ...spec,
  errors: [...new Set([...spec.errors, ErrorName.InvalidStepInput])],
});

/** Decodes a step's payload or throws {@link InvalidStepInputError} naming the state and each bad path. */
export const decodeStepInput = <S extends StepDefinition>(step: S, payload: unknown): StepInput<S> =>
  decodeOrThrow(
    step.input,
    payload,
    (problems) =>
      new InvalidStepInputError(
        `${step.stateName} received a payload its contract does not accept: ${problems.join('; ')}. ` +
          'The state machine and the step contracts disagree; redeploy both from the same commit.',
      ),
  );

/** The Lambda entry point of a step: decode the payload, run the logic, encode the result for the wire. */
export const lambdaHandler =
  <S extends StepDefinition>(step: S, run: StepRunner<S>) =>
  async (payload: unknown): Promise<t.OutputOf<S['output']>> =>
    step.output.encode(await run(decodeStepInput(step, payload)));

/**
 * The message of a caught error's `Cause`: Lambda reports a function error as the JSON
 * `{"errorType","errorMessage","trace"}`; any other cause is already plain text.
 * @example causeMessage('{"errorType":"CrawlerFailedError","errorMessage":"crawl failed"}') // 'crawl failed'
 */
export const causeMessage = (cause: string): string => {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed === 'object' && parsed !== null && typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
};
