/**
 * How long one pass through a rendered state machine may take at worst, from its ASL alone:
 * every Task times out on every attempt its retriers allow, every retry waits its longest
 * (backoff to the cap), every fixed Wait runs in full. "One pass" follows each path once: a
 * loop's second round and a Wait whose length comes from the payload (a Retry-After) add to it,
 * so the real worst case is at least this. It decides whether a child execution may be EXPRESS,
 * which ends at five minutes (state-machine/definition.ts `playlistExecutionType`).
 */
import type { Asl, AslState } from './render';

/** The longest an EXPRESS execution runs, in seconds (Step Functions quota). */
export const expressMaxSeconds = 300;

interface Retrier {
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
}

/** A state's retries: how many more attempts, and the longest total delay before them (ASL defaults: 1 s, 3 attempts, rate 2). */
const retriesOf = (state: AslState): { attempts: number; delaySeconds: number } =>
  (state.Retry ?? []).reduce<{ attempts: number; delaySeconds: number }>(
    (sum, entry) => {
      const retrier = entry as Retrier;
      const attempts = retrier.MaxAttempts ?? 3;
      const delays = Array.from({ length: attempts }, (_, k) =>
        Math.min((retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** k, retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY),
      );
      return { attempts: sum.attempts + attempts, delaySeconds: sum.delaySeconds + delays.reduce((a, b) => a + b, 0) };
    },
    { attempts: 0, delaySeconds: 0 },
  );

/** One visit of a state: its work on every attempt, plus the retry delays between them. */
const visitSeconds = (state: AslState): number => {
  const { attempts, delaySeconds } = retriesOf(state);
  const once =
    state.Type === 'Task'
      ? Number(state['TimeoutSeconds'] ?? 60)
      : state.Type === 'Wait'
        ? Number(state['Seconds'] ?? 0)
        : state.Type === 'Parallel'
          ? Math.max(0, ...(state.Branches ?? []).map(onePassWorstCaseSeconds))
          : state.Type === 'Map' && state.ItemProcessor
            ? onePassWorstCaseSeconds(state.ItemProcessor)
            : 0;
  return once * (1 + attempts) + delaySeconds;
};

/** The states a state may go to next. */
const nextOf = (state: AslState): string[] => [
  ...(state.Next ? [state.Next] : []),
  ...(state.Default ? [state.Default] : []),
  ...(state.Choices ?? []).map((choice) => choice.Next),
];

/**
 * The longest path from StartAt through `asl`, each state visited at most once per path.
 * @example onePassWorstCaseSeconds({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 10, End: true } } }) // 10
 */
export const onePassWorstCaseSeconds = (asl: Asl): number => {
  const longestFrom = (name: string, onPath: ReadonlySet<string>): number => {
    const state = asl.States[name];
    if (!state || onPath.has(name)) return 0;
    const path = new Set([...onPath, name]);
    return visitSeconds(state) + Math.max(0, ...nextOf(state).map((next) => longestFrom(next, path)));
  };
  return longestFrom(asl.StartAt, new Set());
};
