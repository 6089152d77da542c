/** NotifyFailure's logic: the error into the last attempt of this execution's dates, then one notification. */
import type { IsoDate } from '../../core/dates';
import { buildAttempt, withAttempt, type RunAttempt } from '../../core/lake/manifest';
import { findManifest, writeManifest } from '../../core/manifests';
import type { BlobStore, Clock, DateLeases, Notifier } from '../../core/ports';
import { causeMessage } from '../../core/step';
import type { NotifyFailureInput, NotifyFailureOutput } from './contract';

/** What NotifyFailure needs: the manifests, the notifier, the time and the date leases it gives back. */
export interface NotifyFailureDeps {
  readonly store: BlobStore;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly leases: DateLeases;
}

/**
 * Records the failure as the last attempt of each date of the run, keeping the published run as
 * it was: a failed run changes nothing any reader sees. A date this run already published stays
 * published; a damaged manifest is left for a rebuild of the date to replace (a run refused its
 * dates has no plan, so it writes none). Then gives back its leases and sends one notification
 * naming the error, its message and the dates.
 */
export const runNotifyFailure =
  (deps: NotifyFailureDeps) =>
  async ({ error, plan }: NotifyFailureInput): Promise<NotifyFailureOutput> => {
    const message = causeMessage(error.Cause ?? 'no cause was reported');
    const recorded = { name: error.Error, message };
    const updatedAt = deps.clock.now().toISOString();
    const failedDates: IsoDate[] = [];
    for (const { date } of plan?.dates ?? []) {
      if (plan === undefined) break;
      const found = await findManifest(deps.store, date);
      if (found.state === 'damaged') continue;
      const manifest = found.state === 'present' ? found.manifest : undefined;
      const own = manifest?.lastAttempt.executionName === plan.run.executionName ? manifest?.lastAttempt : undefined;
      if (own?.status === 'succeeded') continue;
      const attempt: RunAttempt = own
        ? { ...own, status: 'failed', error: recorded, updatedAt }
        : buildAttempt({ executionName: plan.run.executionName, status: 'failed', mode: plan.run.mode, extractedAt: null, updatedAt, error: recorded });
      await writeManifest(deps.store, withAttempt(date, manifest, attempt));
      failedDates.push(date);
    }

    // One writer per date: give back the leases this execution holds (none when it was refused), before a notification that may fail.
    if (plan) await deps.leases.release(plan.dates.map(({ date }) => date), plan.run.executionName);
    const run = plan ? `${plan.run.mode} run ${plan.run.executionName}` : 'A run';
    const dates = plan && plan.dates.length > 0 ? ` for ${plan.dates.map(({ date }) => date).join(', ')}` : '';
    await deps.notifier.notify(
      `spotify-etl: ${error.Error}`,
      `${run}${dates} failed with ${error.Error}: ${message}` +
        (failedDates.length > 0 ? `\nNothing of it was published; the manifests of ${failedDates.join(', ')} record the failed attempt.` : ''),
    );
    return { error: error.Error, message, failedDates };
  };
