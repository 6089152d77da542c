/**
 * The Spotify requests of each invocation of a step that declares a `requestsKey`, counted around
 * its logic and added to the lake (core/requests.ts), so RecordRun and NotifyFailure can put the
 * run's total in the manifests; the AWS handler also emits them as metrics. Both composition roots
 * (steps/aws-wiring.ts, cli/local/handlers.ts) wrap every step with it; a step without a key runs as is.
 */
import { addRequests, type RequestCounts } from '../core/requests';
import type { StepDefinition, StepRunner } from '../core/step';
import type { StepPorts } from './ports';

/** `run`, counting the requests each invocation sends and storing them, whether it returns or throws. */
export const countingRequests = <S extends StepDefinition>(
  step: S,
  ports: Pick<StepPorts, 'store' | 'meter'>,
  run: StepRunner<S>,
  onCounted?: (requests: RequestCounts) => void,
): StepRunner<S> => {
  const keyOf = step.requestsKey;
  if (keyOf === undefined) return run;
  return async (input) => {
    const { outcome, requests } = await ports.meter.measure(() => run(input));
    onCounted?.(requests);
    const key = keyOf(input);
    if (outcome.status === 'rejected') {
      // The step's own error is what the machine must act on: counts that cannot be stored now are lost, not reported instead.
      if (key !== undefined) await addRequests(ports.store, key, requests).catch(() => undefined);
      throw outcome.reason;
    }
    if (key !== undefined) await addRequests(ports.store, key, requests);
    return outcome.value;
  };
};
