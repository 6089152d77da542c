/** RecordRun: publishes every validated date of the run (one manifest write per date) and records the skipped ones. */
import * as t from 'io-ts';
import { IsoDate } from '../../core/dates';
import { ErrorName } from '../../core/errors';
import { RunPlan } from '../../core/run-input';
import { defineStep } from '../../core/step';

/** The run's plan. */
export const RecordRunInput = t.exact(t.type({ plan: RunPlan }));
export type RecordRunInput = t.TypeOf<typeof RecordRunInput>;

/** The dates published and those skipped for want of raw data. */
export const RecordRunOutput = t.type({ published: t.array(IsoDate), skipped: t.array(IsoDate) });
export type RecordRunOutput = t.TypeOf<typeof RecordRunOutput>;

/** The RecordRun step. */
export const recordRun = defineStep({
  stateName: 'RecordRun',
  dir: 'record-run',
  input: RecordRunInput,
  output: RecordRunOutput,
  errors: [ErrorName.ValidationFailed, ErrorName.StorageUnavailable],
  timeoutSeconds: 60,
  // The publishing step: writes the manifest that publishes (with the run's Spotify requests, summed from a listing
  // of raw/requests/), removes superseded curated/ files, gives back the leases.
  resources: {
    lake: { read: ['runs/', 'leases/'], list: ['curated/', 'raw/requests/'], write: ['runs/'], delete: ['curated/', 'leases/'] },
  },
});
