/** NotifyFailure: records the error as the last attempt of the run's dates (the published run stays) and tells the operators. */
import * as t from 'io-ts';
import { IsoDate } from '../../core/dates';
import { ErrorName } from '../../core/errors';
import { RunPlan } from '../../core/run-input';
import { defineStep } from '../../core/step';

/**
 * What a Catch puts at its ResultPath. `Cause` is the error message locally and, from a Lambda,
 * the JSON `{"errorType","errorMessage","trace"}`.
 */
export const CaughtError = t.intersection([t.type({ Error: t.string }), t.partial({ Cause: t.string })]);
export type CaughtError = t.TypeOf<typeof CaughtError>;

/** The caught error, and the plan when the run got far enough to have one (a throttled run's restart runs it again). */
export const NotifyFailureInput = t.intersection([t.exact(t.type({ error: CaughtError })), t.exact(t.partial({ plan: RunPlan }))]);
export type NotifyFailureInput = t.TypeOf<typeof NotifyFailureInput>;

/**
 * The error as recorded and the dates whose last attempt now says failed; `resumeAfter` when the
 * run was throttled with a Retry-After longer than it waits: when it may run again (ISO-8601 UTC).
 */
export const NotifyFailureOutput = t.intersection([
  t.type({ error: t.string, message: t.string, failedDates: t.array(IsoDate) }),
  t.partial({ resumeAfter: t.string }),
]);
export type NotifyFailureOutput = t.TypeOf<typeof NotifyFailureOutput>;

/** The NotifyFailure step. */
export const notifyFailure = defineStep({
  stateName: 'NotifyFailure',
  dir: 'notify-failure',
  input: NotifyFailureInput,
  output: NotifyFailureOutput,
  errors: [ErrorName.StorageUnavailable, ErrorName.AwsUnavailable],
  timeoutSeconds: 60,
  // Marks the last attempt failed (with the run's Spotify requests, summed from a listing of raw/requests/,
  // and when a throttled run may resume), gives back the leases, schedules a throttled run's restart, notifies.
  // On AWS a failed playlist child's own error is read from its invocation's object below raw/requests/.
  resources: {
    lake: { read: ['runs/', 'leases/', 'raw/requests/'], write: ['runs/'], delete: ['leases/'] },
    failureTopic: true,
    restarts: true,
  },
});
