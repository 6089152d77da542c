/**
 * Run health per date, from the dates' manifests (the runs' own records; nothing of it is in the
 * curated tables): the last attempt's outcome, checks, rejects and duration, and whether
 * anything is published for the date.
 */
import type { IsoDate } from '../dates';
import type { RunAttempt, RunManifest, RunStatus } from '../lake/manifest';
import type { RequestCounts } from '../requests';
import type { ReportRange } from './queries';

/** One date's health as the report shows it. */
export interface HealthRow {
  readonly date: IsoDate;
  /** The last attempt's outcome. */
  readonly status: RunStatus;
  readonly mode: string;
  readonly executionName: string;
  /** Whether readers see a run of the date (the last attempt, or an earlier one it did not replace). */
  readonly published: boolean;
  readonly checksPassed: number;
  readonly checksFailed: number;
  readonly rejects: number;
  /**
   * Seconds from reading Spotify to the attempt's last record; null for a backfill attempt that
   * rebuilt the date from raw (its manifest keeps the extraction time of the run that landed the
   * data), but not for the date a backfill extracted (today, when its range includes today).
   */
  readonly durationSeconds: number | null;
  /** The Spotify requests the attempt sent for the date; null in manifests written before runs recorded them. */
  readonly requests: RequestCounts | null;
  readonly error: string | null;
}

/**
 * Whether the attempt read its date from Spotify. A scheduled or manual attempt always does; a
 * backfill's extractedAt is that of the run that landed the raw it rebuilt from, unless it
 * extracted the date itself: then it sent Web API requests for it (the token requests do not tell,
 * as FetchToken's are counted on the run's first date, extracted or not).
 */
const readSpotify = (attempt: RunAttempt): boolean => attempt.mode !== 'backfill' || (attempt.requests?.spotifyApi ?? 0) > 0;

const durationOf = (attempt: RunAttempt): number | null => {
  if (!readSpotify(attempt) || attempt.extractedAt === null) return null;
  const seconds = (Date.parse(attempt.updatedAt) - Date.parse(attempt.extractedAt)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
};

/**
 * One manifest's health: its few fields the report shows, taken as the manifest is read so that
 * the manifest, and its playlists (a third of a MiB per 1,000 of them), need not be kept for the report.
 */
export const healthOf = ({ snapshotDate, published, lastAttempt: attempt }: RunManifest): HealthRow => ({
  date: snapshotDate,
  status: attempt.status,
  mode: attempt.mode,
  executionName: attempt.executionName,
  published: published !== null,
  checksPassed: attempt.checks.filter((check) => check.passed).length,
  checksFailed: attempt.checks.filter((check) => !check.passed).length,
  rejects: attempt.rejectCount,
  durationSeconds: durationOf(attempt),
  requests: attempt.requests ?? null,
  error: attempt.error === null ? null : `${attempt.error.name}: ${attempt.error.message}`,
});

/** The health rows whose date is in `range`, in date order. */
export const healthRows = (health: readonly HealthRow[], range: ReportRange = {}): HealthRow[] =>
  health
    .filter((row) => (range.from === undefined || row.date >= range.from) && (range.to === undefined || row.date <= range.to))
    .toSorted((a, b) => a.date.localeCompare(b.date));
