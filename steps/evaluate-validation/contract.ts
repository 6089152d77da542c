/** EvaluateValidation: turns the query's rows into check results, records them, fails on any failed check. */
import * as t from 'io-ts';
import { IsoDate } from '../../core/dates';
import { ErrorName } from '../../core/errors';
import { defineStep } from '../../core/step';

/** The date, the run whose candidate was checked, and its finished validation query. */
export const EvaluateValidationInput = t.exact(t.type({ date: IsoDate, executionName: t.string, queryId: t.string }));
export type EvaluateValidationInput = t.TypeOf<typeof EvaluateValidationInput>;

/** How many checks ran; the date passed all of them (otherwise the step throws). */
export const EvaluateValidationOutput = t.type({ date: IsoDate, checks: t.number });
export type EvaluateValidationOutput = t.TypeOf<typeof EvaluateValidationOutput>;

/** The EvaluateValidation step. */
export const evaluateValidation = defineStep({
  stateName: 'EvaluateValidation',
  dir: 'evaluate-validation',
  input: EvaluateValidationInput,
  output: EvaluateValidationOutput,
  errors: [ErrorName.ValidationFailed, ErrorName.QueryFailed, ErrorName.StorageUnavailable, ErrorName.AwsUnavailable],
  timeoutSeconds: 60,
  // Records the checks in the run's attempt.
  resources: { lake: { read: ['runs/'], write: ['runs/'] }, queries: 'results', rejectTolerance: true },
});
