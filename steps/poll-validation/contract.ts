/** PollValidation: reads the validation query's state; fails when it failed or outlived its budget. */
import * as t from 'io-ts';
import { ErrorName } from '../../core/errors';
import { ValidationQuery } from '../../core/polling';
import { defineStep } from '../../core/step';

/** How the machine polls a query: the Wait between polls and how many polls it allows. */
export const queryPolling = { waitSeconds: 5, maxPolls: 120 } as const;

/** The query as last polled. */
export const PollValidationInput = t.exact(ValidationQuery);
export type PollValidationInput = t.TypeOf<typeof PollValidationInput>;

/** The query after this poll. */
export const PollValidationOutput = ValidationQuery;
export type PollValidationOutput = t.TypeOf<typeof PollValidationOutput>;

/** The PollValidation step. */
export const pollValidation = defineStep({
  stateName: 'PollValidation',
  dir: 'poll-validation',
  input: PollValidationInput,
  output: PollValidationOutput,
  errors: [ErrorName.QueryFailed, ErrorName.AwsUnavailable],
  timeoutSeconds: 30,
  resources: { queries: 'poll' },
});
