/** ValidateInput: checks the run's input and plans its dates (extract, rebuild or skip) and playlists. */
import * as t from 'io-ts';
import { ErrorName } from '../../core/errors';
import { RunPlan } from '../../core/run-input';
import { defineStep } from '../../core/step';

/**
 * The execution input as a person or the scheduler wrote it, with the execution's name. The
 * request stays `unknown` on purpose: the step checks it field by field so each mistake gets a
 * message naming the field, the value and the rule (core/run-input.ts), not a decoder's type text.
 */
export const ValidateInputInput = t.exact(t.type({ request: t.unknown, executionName: t.string }));
export type ValidateInputInput = t.TypeOf<typeof ValidateInputInput>;

/** The run's plan, always saying whether it reads Spotify: the machine's FetchTokenNeeded chooses on it. */
export const ValidateInputOutput = t.intersection([RunPlan, t.type({ readsSpotify: t.boolean })]);
export type ValidateInputOutput = t.TypeOf<typeof ValidateInputOutput>;

/** The ValidateInput step. */
export const validateInput = defineStep({
  stateName: 'ValidateInput',
  dir: 'validate-input',
  input: ValidateInputInput,
  output: ValidateInputOutput,
  errors: [ErrorName.InvalidInput, ErrorName.DateInUse, ErrorName.StorageUnavailable],
  timeoutSeconds: 60,
  // Lists what landed in raw/ to plan a backfill; takes the dates' leases (conditional put, delete of an expired one).
  resources: { lake: { list: ['raw/'], read: ['leases/'], write: ['leases/'], delete: ['leases/'] }, defaultPlaylists: true },
});
