/**
 * The glue every step shares, written once: a step's definition (state name, folder, codecs,
 * declared errors, timeout, resources) and the handler shape decode → run → encode (STYLE.md §3).
 */
import type * as t from 'io-ts';
import { decodeOrThrow } from './decode';
import { ErrorName, InvalidStepInputError, resumeAfterSecondsOf, resumeAfterPhrase } from './errors';
import type { StepResources } from './resources';
import { cut } from './text';

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
   * own id and counts (undefined: counted, not stored); the wiring counts and stores them, and
   * passes the step's `stateName`, which the stem names.
   */
  // A method, so that a step of a narrower input is still a StepDefinition (methods are bivariant).
  requestsStem?(input: t.TypeOf<I>, stateName: string): string | undefined;
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

/**
 * The most characters of an error message a step reports. A caught Lambda error's Cause holds the
 * message twice (`errorMessage`, and `trace[0]`, "<name>: <message>") and NotifyFailure's result a
 * third time, all in the run's state beside the plan, within the headroom the plan leaves
 * (core/run-input.ts stateHeadroomBytes): an unbounded message there fails the state with
 * States.DataLimitExceeded, which no Catch takes. The first 1,000 characters name what was wrong.
 */
export const maxErrorMessageLength = 1000;

/**
 * The most bytes a step's error message takes as a Cause holds it: a JSON string inside the
 * Cause's JSON, which the state holds as a string again. The state's limit counts bytes, and one
 * character can take seven once escaped twice (a control character), so characters alone do not
 * bound it. A message of 1,000 ASCII characters with a few quotes fits.
 */
export const maxErrorMessageBytes = 1200;

const utf8 = new TextEncoder();

/** The bytes `message` takes escaped twice, as in a Cause in the run's state. */
const storedBytes = (message: string): number => utf8.encode(JSON.stringify(JSON.stringify(message))).length;

/** The most stack frames a step's error reports, each cut to {@link maxTraceFrameLength}: where it was thrown and what called it. */
export const maxTraceFrames = 8;

/** The most characters of one reported stack frame: one is about 60 to 110 (function, source file, line and column). */
export const maxTraceFrameLength = 120;

/**
 * `message` cut to {@link maxErrorMessageLength} characters with an ellipsis, keeping a throttled
 * error's resume phrase at its end, as NotifyFailure reads the wait from it (core/errors.ts).
 * @example boundedMessage(`${'x'.repeat(2000)} [resume after 7200 s]`) // 'xxx… [resume after 7200 s]' (1,000 characters)
 */
export const boundedMessage = (message: string): string => {
  if (message.length <= maxErrorMessageLength && storedBytes(message) <= maxErrorMessageBytes) return message;
  const seconds = resumeAfterSecondsOf(message);
  const tail = seconds === undefined ? '' : ` ${resumeAfterPhrase(seconds)}`;
  let length = maxErrorMessageLength - tail.length;
  let bounded = `${cut(message, length)}${tail}`;
  // Quotes, control characters and non-ASCII text take up to seven bytes each once escaped twice.
  for (let bytes = storedBytes(bounded); bytes > maxErrorMessageBytes; bytes = storedBytes(bounded)) {
    length = Math.max(1, Math.floor((length * maxErrorMessageBytes) / bytes) - 1);
    bounded = `${cut(message, length)}${tail}`;
  }
  return bounded;
};

/**
 * `error` as a step reports it: its message bounded ({@link boundedMessage}) and its stack, which
 * the Lambda runtime sends as the Cause's `trace`, rebuilt as "<name>: <message>" and at most
 * {@link maxTraceFrames} frames of at most {@link maxTraceFrameLength} characters. Its name, what
 * Retry and Catch match, is unchanged; an error whose fields cannot be written is thrown as it is.
 */
export const boundedError = (error: unknown): unknown => {
  if (!(error instanceof Error)) return error;
  try {
    const message = boundedMessage(error.message);
    const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
    error.message = message;
    error.stack = [message === '' ? error.name : `${error.name}: ${message}`, ...frames.slice(0, maxTraceFrames).map((frame) => cut(frame, maxTraceFrameLength))].join('\n');
  } catch {
    // A read-only message or stack stays as it is.
  }
  return error;
};

/**
 * The Lambda entry point of a step: decode the payload, run the logic, encode the result for the
 * wire. A failure is thrown bounded ({@link boundedError}), after `restack` (the AWS handler maps
 * bundle positions to source ones) so that the frames are bounded as reported.
 */
export const lambdaHandler =
  <S extends StepDefinition>(step: S, run: StepRunner<S>, restack: (error: unknown) => void = () => undefined) =>
  async (payload: unknown): Promise<t.OutputOf<S['output']>> => {
    try {
      return step.output.encode(await run(decodeStepInput(step, payload)));
    } catch (error) {
      restack(error);
      throw boundedError(error);
    }
  };

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
