/** EvaluateValidation's logic: check results into the manifest; any failed check fails the run. */
import { evaluateChecks } from '../../core/checks';
import { ValidationFailedError } from '../../core/errors';
import { runManifestKey } from '../../core/lake/keys';
import type { CheckResult, RunManifest } from '../../core/lake/manifest';
import { readManifest, writeManifest } from '../../core/manifests';
import type { BlobStore, Clock, QueryEngine } from '../../core/ports';
import type { EvaluateValidationInput, EvaluateValidationOutput } from './contract';

/** What EvaluateValidation needs: the query's rows, the manifests, the time, and the reject tolerance. */
export interface EvaluateValidationDeps {
  readonly store: BlobStore;
  readonly queries: QueryEngine;
  readonly clock: Clock;
  /** Entries that may fail to decode before the date fails validation (DESIGN §4). @default 0 */
  readonly rejectTolerance?: number;
}

/** The name of the check that compares the manifest's reject count with the tolerance. */
export const rejectsCheckName = 'rejects_within_tolerance';

/** Undecodable entries are not rows, so no SQL sees them: the manifest's count is checked here. */
const rejectsCheck = (manifest: RunManifest, tolerance: number): CheckResult => ({
  name: rejectsCheckName,
  passed: manifest.rejectCount <= tolerance,
  count: manifest.rejectCount,
  offending: manifest.rejects.slice(0, 5).map((reject) => `${reject.playlistId}@${reject.position ?? 'page'}: ${reject.reason}`),
});

const describeFailed = (check: CheckResult): string =>
  `${check.name} (${check.count}${check.offending.length > 0 ? `, e.g. ${check.offending.join(', ')}` : ''})`;

/** Evaluates the finished query, records every check in the date's manifest, and throws when any failed. */
export const runEvaluateValidation =
  (deps: EvaluateValidationDeps) =>
  async (input: EvaluateValidationInput): Promise<EvaluateValidationOutput> => {
    const manifest = await readManifest(deps.store, input.date);
    if (manifest === undefined) {
      throw new ValidationFailedError(`The run manifest ${runManifestKey(input.date)} disappeared during validation; rerun ${input.date}.`);
    }
    const checks = [...evaluateChecks(await deps.queries.results(input.queryId)), rejectsCheck(manifest, deps.rejectTolerance ?? 0)];
    await writeManifest(deps.store, { ...manifest, checks, updatedAt: deps.clock.now().toISOString() });
    const failed = checks.filter((check) => !check.passed);
    if (failed.length > 0) {
      throw new ValidationFailedError(
        `${input.date}: ${failed.length} of ${checks.length} checks failed: ${failed.map(describeFailed).join('; ')}. ` +
          `The checks are in ${runManifestKey(input.date)}.`,
      );
    }
    return { date: input.date, checks: checks.length };
  };
