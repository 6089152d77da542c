/**
 * The end of a local run: what was planned and written, read back from the execution history and
 * the lake's manifests, and a sample query over the catalog the run just crawled.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FsBlobStore } from '../../adapters/local/fs-blob-store';
import type { IsoDate } from '../../core/dates';
import { tryDecode } from '../../core/decode';
import { runIdOf, runManifestKey } from '../../core/lake/keys';
import type { RunStatus, TableCounts } from '../../core/lake/manifest';
import { readManifest } from '../../core/manifests';
import { tableOnDate } from '../../core/report/queries';
import { reconsentDue, reconsentWarning } from '../../core/reconsent';
import { restartRequestsOf, RunPlan } from '../../core/run-input';
import { causeMessage } from '../../core/step';
import { tableNames } from '../../core/tables';
import type { ExecutionEvent } from '../../state-machine/local-executor';
import { FetchTokenOutput } from '../../steps/fetch-token/contract';
import { steps } from '../../steps/registry';
import type { PipelineRun } from './pipeline';
import { briefList, formatRows, plural, shellWords } from './text';

/** One date of the run as its manifest records it: this run's attempt, and the run published for it. */
export interface DateSummary {
  readonly date: IsoDate;
  /** How the run planned the date: read from Spotify, or rebuilt from the raw snapshots landed on it (a failed run may not have done it). */
  readonly action: 'extracted' | 'rebuilt';
  /** Where this run's attempt at the date stands. */
  readonly status: RunStatus | 'not written';
  /** Playlists this run normalised for the date. */
  readonly playlists: number;
  /** The run readers see for the date after this one (this run when it published it), or null when none. */
  readonly published: { readonly executionName: string; readonly publishedAt: string | null } | null;
  readonly tables: TableCounts | null;
  readonly rejectCount: number;
  readonly checksPassed: number;
  readonly checksFailed: readonly string[];
  /** Per playlist: `unchanged` (carried over), `extracted` (read, or new) or `rejected`, as the manifest records it. */
  readonly playlistOutcomes: Readonly<Record<string, string>>;
}

/** The run summary; `--json` prints exactly this object. */
export interface RunSummary {
  readonly status: 'succeeded' | 'failed';
  readonly executionName: string;
  readonly mode: string | null;
  readonly lake: string;
  readonly playlists: readonly string[];
  readonly dates: readonly DateSummary[];
  readonly skipped: readonly IsoDate[];
  readonly error: { readonly name: string; readonly message: string } | null;
  readonly sample: { readonly title: string; readonly sql: string; readonly rows: readonly Record<string, unknown>[] } | null;
  /** HTTP requests the run sent to Spotify, retries included. */
  readonly requests: { readonly spotifyApi: number; readonly spotifyToken: number };
  /** What the emulator's `--faults` injected, or null when the run asked for none. */
  readonly faults: FaultCount | null;
  /** The refresh token's age in days as FetchToken reported it; null without one (client_credentials) or when FetchToken did not succeed. */
  readonly refreshTokenAgeDays: number | null;
  /** The HTML report written after the run (cli/local/report.ts); absent when none was. */
  readonly report?: string;
  /**
   * When a throttled run may run again (ISO-8601 UTC, from its manifests' `resumeAfter`), or null
   * when it was not throttled with a long Retry-After.
   */
  readonly resumeAfter: string | null;
  /** The commands that run it again then (each date as it ran, {@link resumeArgsOf}); none without `resumeAfter`. */
  readonly resumeCommands: readonly string[];
}

/** The faults a run's emulator injected, in all and by kind (`429`, `reset`, …). */
export interface FaultCount {
  readonly injected: number;
  readonly byKind: Readonly<Record<string, number>>;
}

/** A {@link FaultCount} from the emulator's per-kind counters. */
export const faultCountOf = (byKind: Readonly<Partial<Record<string, number>>>): FaultCount => {
  const kinds = Object.fromEntries(Object.entries(byKind).filter((entry): entry is [string, number] => (entry[1] ?? 0) > 0));
  return { injected: Object.values(kinds).reduce((sum, n) => sum + n, 0), byKind: kinds };
};

/** The plan ValidateInput produced, found in the execution history; undefined when it failed first. */
export const planOf = (events: readonly ExecutionEvent[]): RunPlan | undefined => {
  for (const event of events) {
    const state = (event as { state?: { name?: string; output?: { plan?: unknown } } }).state;
    if (event.type !== 'StateExited' || state?.name !== steps.validateInput.stateName) continue;
    const decoded = tryDecode(RunPlan, state.output?.plan);
    if (decoded.ok) return decoded.value;
  }
  return undefined;
};

/** The refresh token's age FetchToken returned, found in the execution history; null when it returned none. */
export const refreshTokenAgeOf = (events: readonly ExecutionEvent[]): number | null => {
  for (const event of events) {
    const state = (event as { state?: { name?: string; output?: Record<string, unknown> } }).state;
    if (event.type !== 'StateExited' || state?.name !== steps.fetchToken.stateName) continue;
    const decoded = tryDecode(FetchTokenOutput, state.output?.[steps.fetchToken.placement.into]);
    if (decoded.ok && decoded.value.refreshTokenAgeDays !== undefined) return decoded.value.refreshTokenAgeDays;
  }
  return null;
};

/**
 * The sample query: the most frequent artists in the date's playlists, each table read on the date
 * and joined by ids ({@link tableOnDate} says why). Grouped by artist id, as the report is: Spotify
 * has many artists of one name, and grouped by name four "Wild Fires" were added into one.
 */
export const topArtistsSql = (date: IsoDate): string =>
  [
    'SELECT a.name AS artist, COUNT(*) AS entries',
    `FROM ${tableOnDate('playlist_items', 'i', date)}`,
    `JOIN ${tableOnDate('song_artists', 'sa', date)} ON sa.song_id = i.song_id`,
    `JOIN ${tableOnDate('artists', 'a', date)} ON a.artist_id = sa.artist_id`,
    'GROUP BY a.artist_id, a.name',
    'ORDER BY entries DESC, artist, a.artist_id',
    'LIMIT 5',
  ].join('\n');

/** `args` without the options naming the run's dates: `--date`, `--from` and `--to`, as `--date D` or `--date=D`. */
const withoutDates = (args: readonly string[]): string[] =>
  args.filter((arg, i) => !/^--(date|from|to)(=|$)/.test(arg) && !/^--(date|from|to)$/.test(args[i - 1] ?? ''));

/**
 * The options of each run that runs `plan` again: the run's own, its dates replaced by each
 * restart request's ({@link restartRequestsOf}, as on AWS): a manual run of a date, or a backfill
 * of a range. The options' own dates will not do: a run given no date ran the day it started, and
 * a backfill extracts only today, so typed after midnight they would run the next day, or rebuild
 * the date Spotify throttled from what landed before instead of extracting it.
 * @example resumeArgsOf(['--lake', 'lake'], plan) // [['--lake', 'lake', '--date', '2026-11-20']]
 */
export const resumeArgsOf = (args: readonly string[], plan: RunPlan): string[][] =>
  restartRequestsOf(plan).map(({ mode, date, from, to }) => [
    ...withoutDates(args),
    ...(mode === 'backfill' ? ['--from', String(from), '--to', String(to)] : ['--date', String(date)]),
  ]);

/**
 * Reads the run's manifests and, when it succeeded, asks `sampleQuery` for the top artists of its
 * last date (`run` answers on the run's own DuckDB). `args` are the options the run was given: a
 * throttled run's summary says how to run it again.
 */
export const summarise = async (
  lake: string,
  run: PipelineRun,
  sampleQuery: (sql: string) => Promise<Record<string, unknown>[]>,
  faults: FaultCount | null = null,
  args: readonly string[] = [],
): Promise<RunSummary> => {
  const { outcome } = run;
  const plan = planOf(outcome.events);
  const store = new FsBlobStore(lake);
  const dates: DateSummary[] = [];
  let resumeAfter: string | null = null;
  for (const planned of plan?.dates ?? []) {
    const manifest = await readManifest(store, planned.date);
    const written = manifest?.lastAttempt.executionName === run.executionName ? manifest.lastAttempt : undefined;
    if (written?.resumeAfter !== undefined && (resumeAfter === null || written.resumeAfter > resumeAfter)) resumeAfter = written.resumeAfter;
    const published = manifest?.published ?? null;
    dates.push({
      date: planned.date,
      action: planned.extract ? 'extracted' : 'rebuilt',
      status: written?.status ?? 'not written',
      playlists: written?.playlists.length ?? 0,
      published: published && { executionName: published.executionName, publishedAt: published.publishedAt },
      tables: written && written.status !== 'failed' ? written.tables : null,
      rejectCount: written?.rejectCount ?? 0,
      checksPassed: written?.checks.filter((check) => check.passed).length ?? 0,
      checksFailed: written?.checks.filter((check) => !check.passed).map((check) => check.name) ?? [],
      playlistOutcomes: Object.fromEntries((written?.playlists ?? []).map((playlist) => [playlist.playlistId, playlist.outcome ?? 'extracted'])),
    });
  }
  const lastDate = dates.at(-1)?.date;
  const sample =
    outcome.status === 'succeeded' && lastDate !== undefined
      ? { title: `Top artists of ${lastDate}`, sql: topArtistsSql(lastDate), rows: await sampleQuery(topArtistsSql(lastDate)) }
      : null;
  return {
    status: outcome.status,
    executionName: run.executionName,
    mode: plan?.run.mode ?? null,
    lake,
    playlists: plan?.playlistIds ?? [],
    dates,
    skipped: plan?.skipped ?? [],
    error: outcome.status === 'failed' ? { name: outcome.error, message: causeMessage(outcome.cause) } : null,
    sample,
    requests: run.requests,
    faults,
    resumeAfter,
    resumeCommands: resumeAfter === null || plan === undefined ? [] : resumeArgsOf(args, plan).map((resume) => `npx spotify-etl ${shellWords(['run', ...resume])}`),
    refreshTokenAgeDays: refreshTokenAgeOf(outcome.events),
  };
};

/** Which run a date shows after this one: this run, an earlier one kept in place, or none. */
const publishedText = (d: DateSummary, executionName: string): string => {
  if (d.published === null) return 'nothing (no run of it has passed validation)';
  if (d.published.executionName === executionName) return 'this run';
  return `unchanged: still ${d.published.executionName}${d.published.publishedAt === null ? '' : ` of ${d.published.publishedAt}`}`;
};

/**
 * One date of the dates line. A failed attempt that normalised no playlist did not do what its
 * plan said: it reads "to be extracted" and how far it got, since "extracted (0 playlists)" would
 * claim a read that a run throttled at its token never made.
 */
const dateText = (d: DateSummary, summary: RunSummary): string => {
  if (d.status !== 'failed' || d.playlists > 0) return `${d.date} ${d.action} (${plural(d.playlists, 'playlist')}), ${d.status}`;
  const planned = d.action === 'extracted' ? 'to be extracted' : 'to be rebuilt';
  const read = d.action === 'extracted' && summary.requests.spotifyApi === 0;
  return `${d.date} ${planned}, failed before any playlist was ${read ? 'read' : 'normalised'}`;
};

/** What the faults did: absorbed, with the tables as a run without them writes, or which error ended the run. */
const faultsLine = (faults: FaultCount, summary: RunSummary): string => {
  const kinds = Object.entries(faults.byKind).map(([kind, n]) => `${kind} ×${n}`).join(', ');
  const injected = `${plural(faults.injected, 'fault')} injected${kinds === '' ? '' : ` (${kinds})`}`;
  if (summary.status === 'succeeded') {
    return faults.injected === 0
      ? `${injected}: none was drawn for this run's requests`
      : `${injected}, all absorbed by retries and waits: the checks passed, so the tables are what a run without faults writes`;
  }
  return `${injected}; the run ended on ${summary.error?.name ?? 'an error'}`;
};

/** The summary as text for a person; a failed run's error message is said once, on stderr. */
export const formatSummary = (summary: RunSummary): string => {
  const lines: string[] = [];
  const head = summary.status === 'succeeded' ? 'succeeded' : `failed: ${summary.error?.name ?? 'unknown error'}`;
  lines.push(`spotify-etl run ${head} (${summary.mode ?? 'no plan'}, execution ${summary.executionName})`);
  if (summary.dates.length > 0) {
    lines.push(`  dates      ${summary.dates.map((d) => dateText(d, summary)).join('; ')}`);
    lines.push(`  published  ${summary.dates.map((d) => `${d.date} ${publishedText(d, summary.executionName)}`).join('; ')}`);
  }
  if (summary.skipped.length > 0) lines.push(`  skipped    ${summary.skipped.join(', ')} (no raw snapshots landed)`);
  if (summary.playlists.length > 0) lines.push(`  playlists  ${plural(summary.playlists.length, 'playlist')}: ${briefList(summary.playlists).join(', ')}`);
  lines.push(`  requests   ${summary.requests.spotifyApi} Web API, ${summary.requests.spotifyToken} token`);
  if (summary.faults) lines.push(`  faults     ${faultsLine(summary.faults, summary)}`);
  for (const command of summary.resumeCommands) lines.push(`  resume     Spotify allows this run again after ${summary.resumeAfter ?? ''}: ${command}`);
  if (summary.refreshTokenAgeDays !== null && reconsentDue(summary.refreshTokenAgeDays)) lines.push(`  warning    ${reconsentWarning(summary.refreshTokenAgeDays)}`);
  for (const d of summary.dates) {
    if (d.tables) lines.push(`  rows       ${d.date}: ${tableNames.map((name) => `${name} ${d.tables?.[name] ?? 0}`).join(', ')}${d.rejectCount > 0 ? `; ${d.rejectCount} rejected` : ''}`);
    const checks = d.checksPassed + d.checksFailed.length;
    if (checks > 0) lines.push(`  checks     ${d.date}: ${d.checksPassed}/${checks} passed${d.checksFailed.length > 0 ? `; failed: ${d.checksFailed.join(', ')}` : ''}`);
  }
  if (summary.status === 'succeeded' && summary.dates.length > 0) {
    lines.push(`  data       ${join(summary.lake, 'curated')}/<table>/snapshot_date=<date>/run_id=${runIdOf(summary.executionName)}/part-00000.parquet`);
  }
  if (summary.dates.length > 0) {
    lines.push(`  manifests  ${summary.dates.map((d) => join(summary.lake, runManifestKey(d.date))).join(', ')}`);
  }
  if (summary.sample) {
    lines.push('', `${summary.sample.title}:`, ...summary.sample.sql.split('\n').map((line) => `  ${line}`), '');
    lines.push(...formatRows(summary.sample.rows).trimEnd().split('\n').map((line) => `  ${line}`));
    lines.push('', `Query it yourself: npx spotify-etl query "select count(*) as n from playlist_items" --lake ${summary.lake}`);
  }
  if (summary.report) lines.push('', `Report: ${summary.report}`, `  ${pathToFileURL(summary.report).href}`);
  return `${lines.join('\n')}\n`;
};
