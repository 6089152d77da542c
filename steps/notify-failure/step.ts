/** NotifyFailure's logic: the error into this execution's manifests, then one notification. */
import type { IsoDate } from '../../core/lake/keys';
import { buildManifest } from '../../core/lake/manifest';
import { readManifest, writeManifest } from '../../core/manifests';
import { createNormaliser } from '../../core/normalise';
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
 * Records the failure in the manifest of each date of the run that this execution wrote or that
 * has none yet; a manifest another execution wrote is left alone, since it still describes the
 * curated data in place. Then sends one notification naming the error, its message and the dates.
 */
export const runNotifyFailure =
  (deps: NotifyFailureDeps) =>
  async ({ error, plan }: NotifyFailureInput): Promise<NotifyFailureOutput> => {
    const message = causeMessage(error.Cause ?? 'no cause was reported');
    const recorded = { name: error.Error, message };
    const updatedAt = deps.clock.now().toISOString();
    const failedDates: IsoDate[] = [];
    for (const { date } of plan?.dates ?? []) {
      const manifest = await readManifest(deps.store, date);
      if (manifest !== undefined && manifest.executionName !== plan?.run.executionName) continue;
      await writeManifest(
        deps.store,
        manifest !== undefined
          ? { ...manifest, status: 'failed', error: recorded, updatedAt }
          : buildManifest({
              snapshotDate: date,
              status: 'failed',
              mode: plan?.run.mode ?? 'manual',
              executionName: plan?.run.executionName ?? null,
              extractedAt: null,
              updatedAt,
              normalised: createNormaliser().result(),
              error: recorded,
            }),
      );
      failedDates.push(date);
    }

    // One writer per date: give back the leases this execution holds (none when it was refused), before a notification that may fail.
    if (plan) await deps.leases.release(plan.dates.map(({ date }) => date), plan.run.executionName);
    const run = plan ? `${plan.run.mode} run ${plan.run.executionName}` : 'A run';
    const dates = plan && plan.dates.length > 0 ? ` for ${plan.dates.map(({ date }) => date).join(', ')}` : '';
    await deps.notifier.notify(
      `spotify-etl: ${error.Error}`,
      `${run}${dates} failed with ${error.Error}: ${message}` +
        (failedDates.length > 0 ? `\nThe manifests of ${failedDates.join(', ')} record the failure.` : ''),
    );
    return { error: error.Error, message, failedDates };
  };
