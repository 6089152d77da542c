/**
 * RecordRun's logic: the publishing step. Each validated date is published by one manifest write
 * that names this run's folder, so every table of the date switches together; then the files of
 * abandoned runs of that date and of runs replaced before are removed (the run it replaced keeps
 * its files until the next publication of the date, for readers that read the manifest before the
 * switch). Skipped dates are recorded as such.
 */
import type { IsoDate } from '../../core/dates';
import { ValidationFailedError } from '../../core/errors';
import { curatedPartitionPrefix, curatedRunPrefix, runManifestKey } from '../../core/lake/keys';
import { buildAttempt, withAttempt } from '../../core/lake/manifest';
import { findManifest, readOwnManifest, writeManifest } from '../../core/manifests';
import type { BlobStore, Clock, DateLeases } from '../../core/ports';
import { countsMore, noRequests, sumRequests } from '../../core/requests';
import { tableNames } from '../../core/tables';
import type { RecordRunInput, RecordRunOutput } from './contract';

/** What RecordRun needs: the lake, the time and the date leases it gives back. */
export interface RecordRunDeps {
  readonly store: BlobStore;
  readonly clock: Clock;
  readonly leases: DateLeases;
}

/**
 * Deletes every file of the date's partitions that is in none of the `kept` runs' folders: the
 * published run's and the one it replaced, whose files a query or a report that read the
 * manifest just before the switch still reads.
 */
const removeSuperseded = async (store: BlobStore, date: IsoDate, kept: readonly (string | undefined)[]): Promise<void> => {
  await Promise.all(
    tableNames.map(async (table) => {
      const keep = kept.flatMap((runId) => (runId === undefined ? [] : [curatedRunPrefix(table, date, runId)]));
      await store.delete((await store.list(curatedPartitionPrefix(table, date))).filter((key) => !keep.some((prefix) => key.startsWith(prefix))));
    }),
  );
};

/**
 * Publishes each date of the plan whose attempt by this run passed validation, with the Spotify
 * requests the run sent for it, then records the skipped dates. A date whose attempt is not this
 * run's or not validated fails the step before anything of it is published; one this run already
 * published (a retry of this step after its write) stays published, so a retry succeeds, and takes
 * the retry's sum of the requests when it is larger (a count that landed in between).
 */
export const runRecordRun =
  (deps: RecordRunDeps) =>
  async ({ plan }: RecordRunInput): Promise<RecordRunOutput> => {
    const { executionName } = plan.run;
    const requests = await sumRequests(deps.store, plan.dates.map(({ date }) => date), executionName);
    for (const { date } of plan.dates) {
      const manifest = await readOwnManifest(deps.store, date, executionName);
      if (manifest.lastAttempt.status === 'succeeded' && manifest.published?.executionName === executionName) {
        const summed = requests.get(date) ?? noRequests;
        if (countsMore(summed, manifest.lastAttempt.requests ?? noRequests)) {
          await writeManifest(deps.store, withAttempt(date, manifest, { ...manifest.lastAttempt, requests: summed }));
        }
        // Its files may not all be removed yet: the earlier try may have stopped in between.
        await removeSuperseded(deps.store, date, [manifest.published.runId, manifest.replacedRunId]);
        continue;
      }
      if (manifest.lastAttempt.status !== 'validated') {
        throw new ValidationFailedError(
          `${date} cannot be published: this run's attempt is ${manifest.lastAttempt.status}, not validated (${runManifestKey(date)}); rerun ${date}.`,
        );
      }
      const now = deps.clock.now().toISOString();
      const published = { ...manifest.lastAttempt, status: 'succeeded' as const, publishedAt: now, updatedAt: now, requests: requests.get(date) ?? noRequests };
      const publishedManifest = withAttempt(date, manifest, published);
      await writeManifest(deps.store, publishedManifest);
      await removeSuperseded(deps.store, date, [published.runId, publishedManifest.replacedRunId]);
    }
    for (const date of plan.skipped) {
      const found = await findManifest(deps.store, date);
      // A damaged manifest is left for a rebuild of the date to replace; nothing here knows what it said.
      if (found.state === 'damaged') continue;
      const skipped = buildAttempt({ executionName, status: 'skipped', mode: plan.run.mode, extractedAt: null, updatedAt: deps.clock.now().toISOString() });
      await writeManifest(deps.store, withAttempt(date, found.state === 'present' ? found.manifest : undefined, skipped));
    }

    // One writer per date: the run is recorded, so its dates are free for the next run.
    await deps.leases.release(plan.dates.map(({ date }) => date), plan.run.executionName);
    return { published: plan.dates.map(({ date }) => date), skipped: plan.skipped };
  };
