/**
 * Runs rendered ASL on this machine with aws-local-stepfunctions: every Task is bound by its state
 * name to a local function (the step code with local adapters, or a fake in tests), errors reach
 * Retry and Catch by name exactly as a Lambda reports them, and waits can be shortened.
 */
import { StateMachine, type RunOptions } from 'aws-local-stepfunctions';
import type { Asl, AslState } from './render';

/** A local stand-in for one Task's Lambda: the payload in, the result out; throws named errors. */
export type TaskHandler = (payload: unknown) => Promise<unknown>;

/** One entry of the execution history as aws-local-stepfunctions reports it. */
export type ExecutionEvent = Awaited<ReturnType<ReturnType<StateMachine['run']>['eventLogs']['next']>>['value'] & {
  readonly type: string;
};

/** How long Wait states and retries pause locally, in milliseconds, by state name. */
export interface LocalPauses {
  readonly waitMs?: Readonly<Record<string, number>>;
  readonly retryMs?: Readonly<Record<string, number>>;
}

/** What a local execution needs. */
export interface LocalExecution {
  readonly asl: Asl;
  /** A handler for every Task state, by state name. */
  readonly handlers: Readonly<Record<string, TaskHandler>>;
  readonly input: unknown;
  readonly executionName: string;
  readonly pauses?: LocalPauses;
  /** Called with each history event as it happens (progress output). */
  readonly onEvent?: (event: ExecutionEvent) => void;
  /**
   * Aborts the execution (Ctrl-C); it then ends as failed with `ExecutionAbortedError` once the
   * Tasks running have finished, and no Task starts after it.
   */
  readonly signal?: AbortSignal;
}

/** How a local execution ended, with its whole history. */
export type LocalOutcome =
  | { readonly status: 'succeeded'; readonly output: unknown; readonly events: readonly ExecutionEvent[] }
  | { readonly status: 'failed'; readonly error: string; readonly cause: string; readonly events: readonly ExecutionEvent[] };

/** Every state of a document, nested Map and Parallel states included, with its name. */
export const allStates = (asl: Asl): [string, AslState][] =>
  Object.entries(asl.States).flatMap(([name, state]) => [
    [name, state] as [string, AslState],
    ...[...(state.Branches ?? []), ...(state.ItemProcessor ? [state.ItemProcessor] : []), ...(state.Iterator ? [state.Iterator] : [])].flatMap(allStates),
  ]);

/**
 * The same pause for every Wait state and every retrier, e.g. `uniformPauses(asl, 0)` in tests.
 * States in `keep` keep their real duration (a Spotify Retry-After must be honoured for real).
 */
export const uniformPauses = (asl: Asl, ms: number, keep: readonly string[] = []): LocalPauses => {
  const states = allStates(asl).filter(([name]) => !keep.includes(name));
  return {
    waitMs: Object.fromEntries(states.filter(([, state]) => state.Type === 'Wait').map(([name]) => [name, ms])),
    retryMs: Object.fromEntries(states.filter(([, state]) => state.Retry !== undefined).map(([name]) => [name, ms])),
  };
};

const lambdaInvokeResource = /^arn:[a-z-]+:states:::lambda:invoke$/;

/** What a Task reports when the execution was stopped before it started. */
class ExecutionStoppedError extends Error {
  public override readonly name = 'ExecutionStoppedError';
  public constructor() {
    super('the run was stopped before this step started');
  }
}

/**
 * Wraps a handler the way Lambda reports a function error: the name stays the error type that
 * Retry and Catch match, and the cause is the JSON `{"errorType","errorMessage"}` Lambda sends
 * (without the stack trace, which is never shown to a user).
 */
const asLambda =
  (handler: TaskHandler, viaInvokeIntegration: boolean, signal: AbortSignal | undefined, running: Set<Promise<unknown>>, ended: { value: boolean }) =>
  async (input: unknown): Promise<never> => {
    const payload = viaInvokeIntegration ? (input as { Payload?: unknown }).Payload : input;
    try {
      // aws-local-stepfunctions stops awaiting an aborted or failed execution but not the Map's
      // other iterations: each went on to its next Task, so after Ctrl-C a run went on calling
      // Spotify once for every remaining playlist, and after a date failed validation another
      // date's validation query started while the run closed DuckDB (a segmentation fault). An
      // execution that has ended, or was stopped, starts no step (on AWS a failed Map stops its
      // iterations too).
      if (signal?.aborted || ended.value) throw new ExecutionStoppedError();
      const invocation = handler(payload);
      running.add(invocation);
      const result = await invocation.finally(() => running.delete(invocation));
      return (viaInvokeIntegration ? { Payload: result } : result) as never;
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      const reported = new Error(JSON.stringify({ errorType: name, errorMessage: message }));
      reported.name = name;
      throw reported;
    }
  };

/** Runs the ASL to its end and returns how it ended; a Task without a handler is a wiring bug. */
export const runLocally = async (execution: LocalExecution): Promise<LocalOutcome> => {
  const tasks = allStates(execution.asl).filter(([, state]) => state.Type === 'Task');
  const missing = tasks.map(([name]) => name).filter((name) => !execution.handlers[name]);
  if (missing.length > 0) throw new Error(`no local handler for Task state(s) ${missing.join(', ')}`);
  const running = new Set<Promise<unknown>>();
  const ended = { value: false };
  const taskResourceLocalHandlers = Object.fromEntries(
    tasks.map(([name, state]) => [
      name,
      asLambda(execution.handlers[name] as TaskHandler, lambdaInvokeResource.test(state.Resource ?? ''), execution.signal, running, ended),
    ]),
  ) as NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers'];
  // The ASL is renderAsl()'s (state-machine/asl.json), which test/workflow validates with asl-validator; the
  // library's own ajv validation would repeat that on every run (about 0.5 s).
  const machine = new StateMachine(execution.asl as unknown as ConstructorParameters<typeof StateMachine>[0], {
    validationOptions: { noValidate: true },
  });
  const run = machine.run(execution.input as never, {
    overrides: {
      taskResourceLocalHandlers,
      waitTimeOverrides: { ...execution.pauses?.waitMs },
      retryIntervalOverrides: { ...execution.pauses?.retryMs },
    },
    // The context object carries what the definition reads from `$$` (the execution's name).
    context: {
      Execution: {
        Id: `arn:aws:states:us-east-1:123456789012:execution:local:${execution.executionName}`,
        Name: execution.executionName,
        Input: execution.input as never,
        StartTime: new Date().toISOString(),
      },
    },
  });
  if (execution.signal?.aborted) run.abort();
  else execution.signal?.addEventListener('abort', () => run.abort(), { once: true });
  const events: ExecutionEvent[] = [];
  const history = (async () => {
    for await (const event of run.eventLogs) {
      events.push(event as ExecutionEvent);
      execution.onEvent?.(event as ExecutionEvent);
    }
  })();
  try {
    const output = await run.result;
    ended.value = true;
    await history;
    return { status: 'succeeded', output, events };
  } catch (error) {
    ended.value = true;
    await history;
    // A stopped execution can end with Tasks still running (the other playlists' children): they
    // finish before the caller releases the dates' leases and closes DuckDB. (A failed one returns
    // at once, as on AWS, where a child still running lands its request count later.)
    if (execution.signal?.aborted) while (running.size > 0) await Promise.allSettled([...running]);
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    return {
      status: 'failed',
      error: cause instanceof Error ? cause.name : 'Error',
      cause: cause instanceof Error ? cause.message : String(cause),
      events,
    };
  }
};
