/** NotifyFailure's logic: the error into the last attempt of this execution's dates, then one notification. */
import type { IsoDate } from '../../core/dates';
import { ErrorName, mapRunFailedError, resumeAfterSecondsOf } from '../../core/errors';
import { buildAttempt, withAttempt, type RunAttempt } from '../../core/lake/manifest';
import { findManifest, writeManifest } from '../../core/manifests';
import type { BlobStore, Clock, DateLeases, Notifier, RunRestarts } from '../../core/ports';
import { latestFailedInvocation, noRequests, sumRequests } from '../../core/requests';
import { restartRequestsOf } from '../../core/run-input';
import { boundedMessage, causeMessage } from '../../core/step';
import type { NotifyFailureInput, NotifyFailureOutput } from './contract';

/** What NotifyFailure needs: the manifests, the notifier, the time, the date leases it gives back and where restarts are scheduled. */
export interface NotifyFailureDeps {
  readonly store: BlobStore;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly leases: DateLeases;
  readonly restarts: RunRestarts;
}

/**
 * When a run that failed with `error` may run again: for SpotifyThrottled whose message carries
 * the Retry-After it was refused with (core/errors.ts), that long after now, which is after
 * Spotify's answer; otherwise undefined (another error, or a throttle that was no single long wait).
 */
export const resumeTimeOf = (error: NotifyFailureInput['error'], now: Date): Date | undefined => {
  if (error.Error !== ErrorName.SpotifyThrottled) return undefined;
  const seconds = resumeAfterSecondsOf(causeMessage(error.Cause ?? ''));
  return seconds === undefined ? undefined : new Date(now.getTime() + seconds * 1000);
};

/**
 * The error to record: the caught one, unless it is a Distributed Map's on AWS, which says only
 * that a playlist's child execution failed: then the error that ended the child, as its step
 * stored it (core/requests.ts), so the manifests, the notification and a throttled run's restart
 * act on SpotifyThrottledError and the like, as they do locally. The caught one when none was stored.
 */
const errorToRecord = async (store: BlobStore, error: NotifyFailureInput['error'], plan: NotifyFailureInput['plan']): Promise<NotifyFailureInput['error']> =>
  error.Error === mapRunFailedError && plan !== undefined ? ((await latestFailedInvocation(store, plan.run.executionName)) ?? error) : error;

/**
 * Records the failure as the last attempt of each date of the run, keeping the published run as
 * it was: a failed run changes nothing any reader sees. A date this run already published stays
 * published; a damaged manifest is left for a rebuild of the date to replace (a run refused its
 * dates has no plan, so it writes none). The attempt keeps the Spotify requests the run sent and,
 * when it was throttled with a long Retry-After, `resumeAfter`; then the restart of the same
 * dates and playlists, each extracted or rebuilt as this run planned it (core/run-input.ts
 * restartRequestsOf), is scheduled at that time. Then gives back its leases and sends one notification naming
 * the error, its message, the dates and the restart.
 */
export const runNotifyFailure =
  (deps: NotifyFailureDeps) =>
  async ({ error: caught, plan }: NotifyFailureInput): Promise<NotifyFailureOutput> => {
    const error = await errorToRecord(deps.store, caught, plan);
    // Bounded as a step's own message is: a Cause Step Functions wrote itself may be longer, and the message stays in the run's state.
    const message = boundedMessage(causeMessage(error.Cause ?? 'no cause was reported'));
    const recorded = { name: error.Error, message };
    const now = deps.clock.now();
    const updatedAt = now.toISOString();
    const resumeAt = plan ? resumeTimeOf(error, now) : undefined;
    const resumeAfter = resumeAt?.toISOString();
    const requests = plan ? await sumRequests(deps.store, plan.dates.map(({ date }) => date), plan.run.executionName) : undefined;
    const failedDates: IsoDate[] = [];
    for (const { date } of plan?.dates ?? []) {
      if (plan === undefined) break;
      const found = await findManifest(deps.store, date);
      if (found.state === 'damaged') continue;
      const manifest = found.state === 'present' ? found.manifest : undefined;
      const own = manifest?.lastAttempt.executionName === plan.run.executionName ? manifest?.lastAttempt : undefined;
      if (own?.status === 'succeeded') continue;
      const outcome = { requests: requests?.get(date) ?? noRequests, ...(resumeAfter === undefined ? {} : { resumeAfter }) };
      const attempt: RunAttempt = own
        ? { ...own, status: 'failed', error: recorded, updatedAt, ...outcome }
        : { ...buildAttempt({ executionName: plan.run.executionName, status: 'failed', mode: plan.run.mode, extractedAt: null, updatedAt, error: recorded }), ...outcome };
      await writeManifest(deps.store, withAttempt(date, manifest, attempt));
      failedDates.push(date);
    }
    // The same dates and playlists again once Spotify allows it (on AWS one-time schedules; locally the summary prints the commands).
    if (plan && resumeAt) await deps.restarts.restartAt({ executionName: plan.run.executionName, at: resumeAt, inputs: restartRequestsOf(plan) });

    // One writer per date: give back the leases this execution holds (none when it was refused), before a notification that may fail.
    if (plan) await deps.leases.release(plan.dates.map(({ date }) => date), plan.run.executionName);
    const run = plan ? `${plan.run.mode} run ${plan.run.executionName}` : 'A run';
    const dates = plan && plan.dates.length > 0 ? ` for ${plan.dates.map(({ date }) => date).join(', ')}` : '';
    await deps.notifier.notify(
      `spotify-etl: ${error.Error}`,
      `${run}${dates} failed with ${error.Error}: ${message}` +
        (failedDates.length > 0 ? `\nNothing of it was published; the manifests of ${failedDates.join(', ')} record the failed attempt.` : '') +
        (resumeAfter === undefined ? '' : `\nSpotify allows it again after ${resumeAfter}: a restart of the same dates and playlists is scheduled then.`),
    );
    return { error: error.Error, message, failedDates, ...(resumeAfter === undefined ? {} : { resumeAfter }) };
  };
