/** StartValidation: starts the date's validation query with expectations taken from its manifest. */
import * as t from 'io-ts';
import { IsoDateString } from '../../core/dates';
import { ErrorName } from '../../core/errors';
import { defineStep } from '../../core/step';

/** A validation query the machine polls. */
export const ValidationQuery = t.type({
  date: IsoDateString,
  queryId: t.string,
  state: t.keyof({ running: null, succeeded: null }),
  polls: t.number,
});
export type ValidationQuery = t.TypeOf<typeof ValidationQuery>;

/** The date to validate. */
export const StartValidationInput = t.exact(t.type({ date: IsoDateString }));
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
  errors: [ErrorName.QueryFailed, ErrorName.StorageUnavailable, ErrorName.AwsUnavailable],
  timeoutSeconds: 60,
});
