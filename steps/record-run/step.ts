/** RecordRun's logic: the run's dates become succeeded; skipped dates are recorded as such. */
import { runManifestKey } from '../../core/lake/keys';
import { buildManifest } from '../../core/lake/manifest';
import { readManifest, writeManifest } from '../../core/manifests';
import { createNormaliser } from '../../core/normalise';
import type { BlobStore, Clock, DateLeases } from '../../core/ports';
import type { RecordRunInput, RecordRunOutput } from './contract';

/** What RecordRun needs: the manifests, the time and the date leases it gives back. */
export interface RecordRunDeps {
  readonly store: BlobStore;
  readonly clock: Clock;
  readonly leases: DateLeases;
}

/**
 * Marks each processed date's manifest succeeded. A skipped date gets a `skipped` manifest only
 * when it has none: a manifest written earlier still describes what its curated data holds.
 */
export const runRecordRun =
  (deps: RecordRunDeps) =>
  async ({ plan }: RecordRunInput): Promise<RecordRunOutput> => {
    const updatedAt = deps.clock.now().toISOString();
    for (const { date } of plan.dates) {
      const manifest = await readManifest(deps.store, date);
      if (manifest === undefined) throw new Error(`The run manifest ${runManifestKey(date)} disappeared before the run was recorded; rerun ${date}.`);
      await writeManifest(deps.store, { ...manifest, status: 'succeeded', updatedAt });
    }
    for (const date of plan.skipped) {
      if ((await readManifest(deps.store, date)) !== undefined) continue;
      await writeManifest(
        deps.store,
        buildManifest({
          snapshotDate: date,
          status: 'skipped',
          mode: plan.run.mode,
          executionName: plan.run.executionName,
          extractedAt: null,
          updatedAt,
          normalised: createNormaliser().result(),
        }),
      );
    }

    // One writer per date: the run is recorded, so its dates are free for the next run.
    await deps.leases.release(plan.dates.map(({ date }) => date), plan.run.executionName);
    return { succeeded: plan.dates.map(({ date }) => date), skipped: plan.skipped };
  };
