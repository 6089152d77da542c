/** PollValidation's logic: one look at the query, bounded by a polling budget. */
import { QueryFailedError } from '../../core/errors';
import { pollOnce } from '../../core/polling';
import type { QueryEngine } from '../../core/ports';
import { queryPolling, type PollValidationInput, type PollValidationOutput } from './contract';

/** What PollValidation needs: the query engine and how many polls it may take. */
export interface PollValidationDeps {
  readonly queries: QueryEngine;
  /** @default queryPolling.maxPolls */
  readonly maxPolls?: number;
}

/** Reports the query's state; throws when it failed or is still running after the last allowed poll. */
export const runPollValidation =
  (deps: PollValidationDeps) =>
  async (input: PollValidationInput): Promise<PollValidationOutput> => ({
    ...input,
    ...(await pollOnce({
      polls: input.polls,
      maxPolls: deps.maxPolls ?? queryPolling.maxPolls,
      status: () => deps.queries.status(input.queryId),
      failed: (status) => new QueryFailedError(`The validation query of ${input.date} (${input.queryId}) failed: ${status.reason ?? 'the engine gave no reason'}.`),
      timedOut: (polls) =>
        new QueryFailedError(
          `The validation query of ${input.date} (${input.queryId}) was still running after ${polls} polls ${queryPolling.waitSeconds} s apart; check the query engine, then rerun the date.`,
        ),
    })),
  });
