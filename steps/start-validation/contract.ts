/** StartValidation: starts the validation query of the run's candidate for a date, with expectations taken from its manifest. */
import * as t from 'io-ts';
import { IsoDate } from '../../core/dates';
import { ErrorName } from '../../core/errors';
import { ValidationQuery } from '../../core/polling';
import { defineStep } from '../../core/step';

/** The date to validate, and the run whose candidate it is. */
export const StartValidationInput = t.exact(t.type({ date: IsoDate, executionName: t.string }));
export type StartValidationInput = t.TypeOf<typeof StartValidationInput>;

/** The query, running and not yet polled. */
export const StartValidationOutput = ValidationQuery;
export type StartValidationOutput = t.TypeOf<typeof StartValidationOutput>;

/** The StartValidation step. */
export const startValidation = defineStep({
  stateName: 'StartValidation',
  dir: 'start-validation',
  input: StartValidationInput,
  output: StartValidationOutput,
  errors: [ErrorName.ValidationFailed, ErrorName.QueryFailed, ErrorName.StorageUnavailable, ErrorName.AwsUnavailable],
  timeoutSeconds: 60,
  // Reads the run's attempt from its manifest; the query reads the staged tables.
  resources: { lake: { read: ['runs/'] }, queries: 'start' },
});
