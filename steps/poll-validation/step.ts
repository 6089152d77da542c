/** PollValidation's logic: one look at the query, bounded by a polling budget. */
import { QueryFailedError } from '../../core/errors';
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
  async (input: PollValidationInput): Promise<PollValidationOutput> => {
    const polls = input.polls + 1;
    const status = await deps.queries.status(input.queryId);
    if (status.state === 'failed') {
      throw new QueryFailedError(`The validation query of ${input.date} (${input.queryId}) failed: ${status.reason ?? 'the engine gave no reason'}.`);
    }
    if (status.state === 'succeeded') return { ...input, state: 'succeeded', polls };
    const maxPolls = deps.maxPolls ?? queryPolling.maxPolls;
    if (polls >= maxPolls) {
      throw new QueryFailedError(
        `The validation query of ${input.date} (${input.queryId}) was still running after ${polls} polls ${queryPolling.waitSeconds} s apart; check the query engine, then rerun the date.`,
      );
    }
    return { ...input, state: 'running', polls };
  };
