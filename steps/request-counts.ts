/**
 * The Spotify requests of each invocation of a step that declares a `requestsStem`, counted around
 * its logic and stored in the lake as the invocation's own object (core/requests.ts), so RecordRun
 * and NotifyFailure can put the run's total in the manifests; the AWS handler also emits them as
 * metrics; a failed invocation's object also holds its error, which NotifyFailure reads when a
 * Distributed Map on AWS reports only that a playlist's child failed. Both composition roots (steps/aws-wiring.ts, cli/local/handlers.ts) wrap every step
 * with it; a step without a stem runs as is.
 */
import { randomUUID } from 'node:crypto';
import { errorPolicy, type ErrorName } from '../core/errors';
import { noRequests, storeRequests, subtractCounts, type InvocationFailure, type RequestCounts } from '../core/requests';
import { boundedMessage, type StepDefinition, type StepRunner } from '../core/step';
import type { StepPorts } from './ports';

/**
 * How long before the step's timeout the counts so far are stored: the Lambda is stopped at its
 * timeout with no chance to write, so only the requests of an invocation's last seconds are lost.
 */
export const countsFlushMarginMs = 3000;

/** A write's own id, so that no two count objects share a key. */
const writeId = (): string => randomUUID().slice(0, 13);

/**
 * What a failed invocation stores: `error` as Step Functions reports a Lambda's that threw it (its
 * name, and its message in the Cause Lambda writes), when, and whether the state machine retries
 * it (an error `step` declares with the retry policy of core/errors.ts).
 */
const failureOf = (step: StepDefinition, error: unknown): { error: InvocationFailure; at: Date; retried: boolean } => {
  const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
  const declared = (step.errors as readonly string[]).includes(name);
  return {
    error: { Error: name, Cause: JSON.stringify({ errorType: name, errorMessage: boundedMessage(message) }) },
    at: new Date(),
    retried: declared && errorPolicy[name as ErrorName].policy === 'retry',
  };
};

/** What the handler adds to the counting: where it reports the counts, and the time its invocation has left when it knows it. */
export interface CountingOptions {
  /** Called with each invocation's counts (the AWS handler emits them as metrics). */
  readonly onCounted?: (requests: RequestCounts) => void;
  /**
   * The milliseconds the current invocation has left (the Lambda context's getRemainingTimeInMillis),
   * read as the invocation starts; without it the step's own timeout is assumed from that moment.
   */
  readonly remainingMs?: () => number | undefined;
}

/** `run`, counting the requests each invocation sends and storing them, whether it returns, throws (then with its error) or runs out of time. */
export const countingRequests = <S extends StepDefinition>(
  step: S,
  ports: Pick<StepPorts, 'store' | 'meter'>,
  run: StepRunner<S>,
  { onCounted, remainingMs }: CountingOptions = {},
): StepRunner<S> => {
  const stemOf = step.requestsStem;
  if (stemOf === undefined) return run;
  return async (input) => {
    const stem = stemOf(input, step.stateName);
    // The invocation's deadline was set before this code ran (the handler, the payload's decoding): the context knows it, the timeout is the fallback.
    const left = remainingMs?.() ?? step.timeoutSeconds * 1000;
    let stored: Promise<RequestCounts> = Promise.resolve(noRequests);
    const { outcome, requests } = await ports.meter.measure(async (sofar) => {
      if (stem === undefined) return run(input);
      const beforeTimeout = setTimeout(() => {
        const counts = sofar();
        // What could not be stored now is stored at the end, if the invocation gets there.
        stored = storeRequests(ports.store, stem, writeId(), counts).then(
          () => counts,
          () => noRequests,
        );
      }, left - countsFlushMarginMs);
      try {
        return await run(input);
      } finally {
        clearTimeout(beforeTimeout);
      }
    });
    onCounted?.(requests);
    if (stem !== undefined) {
      const rest = subtractCounts(requests, await stored);
      if (outcome.status === 'rejected') {
        // The step's own error is what the machine must act on: counts that cannot be stored now are lost, not reported instead.
        await storeRequests(ports.store, stem, writeId(), rest, failureOf(step, outcome.reason)).catch(() => undefined);
      } else {
        await storeRequests(ports.store, stem, writeId(), rest);
      }
    }
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  };
};
