/** EvaluateValidation's logic: check results into the attempt; a candidate that passes every check is validated. */
import { evaluateChecks } from '../../core/checks';
import { ValidationFailedError } from '../../core/errors';
import { runManifestKey } from '../../core/lake/keys';
import type { CheckResult, RunAttempt } from '../../core/lake/manifest';
import { readOwnManifest, writeManifest } from '../../core/manifests';
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

/**
 * Undecodable entries are not rows, so no SQL sees them: the attempt's count is checked here. The
 * tolerance is for entries: a playlist whose own object is missing or unreadable (no playlists
 * row, so no check counts its items against a total; a read that did not finish leaves that)
 * fails the check whatever the tolerance, or a date would publish part of a playlist.
 */
const rejectsCheck = (attempt: RunAttempt, tolerance: number): CheckResult => {
  const withoutObject = new Set(attempt.playlists.filter((playlist) => playlist.snapshotId === null).map(({ playlistId }) => playlistId));
  const ofObject = (reject: RunAttempt['rejects'][number]): boolean => reject.position === null && withoutObject.has(reject.playlistId);
  // The rejects no tolerance covers are named first.
  const first = [...attempt.rejects.filter(ofObject), ...attempt.rejects.filter((reject) => !ofObject(reject))];
  return {
    name: rejectsCheckName,
    passed: attempt.rejectCount <= tolerance && withoutObject.size === 0,
    count: attempt.rejectCount,
    offending: first.slice(0, 5).map((reject) => `${reject.playlistId}@${reject.position ?? 'page'}: ${reject.reason}`),
  };
};

const describeFailed = (check: CheckResult): string =>
  `${check.name} (${check.count}${check.offending.length > 0 ? `, e.g. ${check.offending.join(', ')}` : ''})`;

/**
 * Evaluates the finished query and records every check in the run's attempt: `validated` when
 * all passed (RecordRun may publish it), else it throws and the published run stays as it was.
 */
export const runEvaluateValidation =
  (deps: EvaluateValidationDeps) =>
  async (input: EvaluateValidationInput): Promise<EvaluateValidationOutput> => {
    const manifest = await readOwnManifest(deps.store, input.date, input.executionName);
    const attempt = manifest.lastAttempt;
    const checks = [...evaluateChecks(await deps.queries.results(input.queryId)), rejectsCheck(attempt, deps.rejectTolerance ?? 0)];
    const failed = checks.filter((check) => !check.passed);
    const status = failed.length === 0 ? 'validated' : attempt.status;
    await writeManifest(deps.store, { ...manifest, lastAttempt: { ...attempt, status, checks, updatedAt: deps.clock.now().toISOString() } });
    if (failed.length > 0) {
      throw new ValidationFailedError(
        `${input.date}: ${failed.length} of ${checks.length} checks failed: ${failed.map(describeFailed).join('; ')}. ` +
          `Nothing was published; the checks are in ${runManifestKey(input.date)}.`,
      );
    }
    return { date: input.date, checks: checks.length };
  };
