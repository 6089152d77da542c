/**
 * What a run is asked to do (DESIGN §1) and the rules its input must follow. The input comes
 * from a person (console, command line) or the scheduler, so every rule is checked here with a
 * message naming the field, the value received and the rule, instead of a decoder's type text.
 */
import * as t from 'io-ts';
import { daysBetween, isIsoDate, utcDateOf, dateRange, IsoDate } from './dates';
import { InvalidInputError } from './errors';
import { RunMode } from './lake/manifest';
import { cut } from './text';


const runModes = Object.keys(RunMode.keys) as RunMode[];

const spotifyIdPattern = /^[0-9A-Za-z]{22}$/;

/** A Spotify playlist id: 22 base-62 characters, as in `open.spotify.com/playlist/<id>`. */
export const SpotifyPlaylistId = t.refinement(t.string, (id) => spotifyIdPattern.test(id), 'SpotifyPlaylistId');
export type SpotifyPlaylistId = t.TypeOf<typeof SpotifyPlaylistId>;

/**
 * The items of a comma-separated list, trimmed, empty ones dropped: how playlist ids are written
 * on the command line, in CDK context and in environment variables.
 * @example splitList(' a, b,,c ') // ['a', 'b', 'c']
 */
export const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** The longest backfill one run accepts, in dates (a leap year). */
export const maxBackfillDays = 366;

/** Step Functions' most bytes of a state's input or output, and of an execution's input (256 KiB). */
export const statePayloadLimitBytes = 256 * 1024;

/**
 * What the plan leaves free in the run's state for its other fields (error causes, step results:
 * about 7.2 KB at their largest besides the dates they list, when NotifyFailure itself fails and
 * two Causes of a bounded message, trace and frames each are in the state, core/step.ts
 * boundedError; test/workflow/payload-size.test.ts measures each failure path) and for what may grow. A state over the limit fails with States.DataLimitExceeded,
 * which no Catch takes, so the run's date leases would stay held until they expire.
 */
export const stateHeadroomBytes = 8 * 1024;

/** The most bytes of the run's state a plan may take, with the dates its results list again: the payload limit less the headroom. */
export const maxPlanBytes = statePayloadLimitBytes - stateHeadroomBytes;

/**
 * The most playlists one execution reads. Each playlist is a child execution of a Distributed Map
 * (its events are in its own history, not the run's), but the run's state carries the plan's
 * playlist ids, 25 bytes each, within {@link maxPlanBytes}: 10,000 ids of one date take 250 KB
 * (test/workflow/payload-size.test.ts measures it). A longer list must be split across executions,
 * and a backfill's dates take room too (about 38 bytes each), so a long one takes fewer.
 */
export const maxPlaylistsPerRun = 10_000;

/** Step Functions' longest execution name: the longest a plan's `run.executionName` can be, and a name the CLI accepts. */
export const maxExecutionNameLength = 80;

/** The fields each mode accepts besides `mode` and `playlists`. */
const fieldsOf: Record<RunMode, readonly string[]> = {
  scheduled: ['scheduledTime'],
  manual: ['date'],
  backfill: ['from', 'to'],
};

/**
 * A validated run request: the mode, the dates it covers (ascending), the playlists it reads, and
 * whether the input named them (a backfill that names none rebuilds each date's own playlists, and
 * reads none of the configured list unless it extracts today).
 */
export const RunRequest = t.type({
  mode: RunMode,
  dates: t.array(IsoDate),
  playlistIds: t.array(SpotifyPlaylistId),
  playlistsNamed: t.boolean,
  /** Read every page of every playlist, even one whose snapshot id is the one last published. */
  full: t.boolean,
});
export type RunRequest = t.TypeOf<typeof RunRequest>;

/** A value of the input as a message quotes it: JSON, cut to a readable length. */
const show = (value: unknown): string => (value === undefined ? 'nothing' : cut(JSON.stringify(value) ?? String(value)));

const fail = (message: string): never => {
  throw new InvalidInputError(message);
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const dateField = (request: Record<string, unknown>, field: string, today: IsoDate): IsoDate => {
  const value = request[field];
  if (!isIsoDate(value)) return fail(`${field}: ${show(value)} is not a calendar date; write it as YYYY-MM-DD, e.g. "${today}"`);
  if (value > today) return fail(`${field}: "${value}" is in the future (today is ${today} UTC); only dates up to today can be run`);
  return value;
};

const scheduledDate = (request: Record<string, unknown>, today: IsoDate): IsoDate => {
  const value = request['scheduledTime'];
  const instant = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? new Date(value) : undefined;
  if (instant === undefined || Number.isNaN(instant.getTime())) {
    return fail(`scheduledTime: ${show(value)} is not an ISO 8601 time; the scheduler sends e.g. "${today}T06:00:00Z"`);
  }
  const date = utcDateOf(instant);
  if (date > today) return fail(`scheduledTime: ${show(value)} is on ${date}, in the future (today is ${today} UTC)`);
  return date;
};

const backfillDates = (request: Record<string, unknown>, today: IsoDate): IsoDate[] => {
  const from = dateField(request, 'from', today);
  const to = dateField(request, 'to', today);
  if (from > to) return fail(`from: "${from}" is after to: "${to}"; a backfill runs from the earlier date to the later one`);
  const days = daysBetween(from, to) + 1;
  if (days > maxBackfillDays) {
    return fail(`from/to: "${from}".."${to}" covers ${days} dates; a backfill covers at most ${maxBackfillDays}, so split it into several runs`);
  }
  return dateRange(from, to);
};

const playlistsOf = (request: Record<string, unknown>, defaults: readonly string[]): string[] => {
  const playlists = givenPlaylistsOf(request, defaults);
  if (playlists.length > maxPlaylistsPerRun) {
    fail(
      `playlists: ${playlists.length.toLocaleString('en-US')} playlists are more than one execution reads ` +
        `(at most ${maxPlaylistsPerRun.toLocaleString('en-US')}: their ids travel in Step Functions' 256 KiB state payload); ` +
        'split them across runs with "playlists"',
    );
  }
  return playlists;
};

const givenPlaylistsOf = (request: Record<string, unknown>, defaults: readonly string[]): string[] => {
  if (!('playlists' in request)) {
    if (defaults.length === 0) return fail('playlists: none given and none configured; pass "playlists": ["<playlist id>", ...]');
    return [...defaults];
  }
  const value = request['playlists'];
  if (!Array.isArray(value)) return fail(`playlists: ${show(value)} is not a list; pass "playlists": ["<playlist id>", ...]`);
  if (value.length === 0) return fail('playlists: [] is empty; pass at least one playlist id, or leave "playlists" out to use the configured list');
  for (const id of value as unknown[]) {
    if (typeof id !== 'string' || !spotifyIdPattern.test(id)) {
      fail(`playlists: ${show(id)} is not a Spotify playlist id; an id is the 22 letters and digits after open.spotify.com/playlist/`);
    }
  }
  return [...new Set(value as string[])];
};

/**
 * Checks a run's input against the rules of its mode and resolves its dates and playlists.
 * Throws {@link InvalidInputError} naming the field, the value and the rule.
 * @example parseRunRequest({ mode: 'backfill', from: '2026-11-01', to: '2026-11-02' }, '2026-11-20', ['37i9dQZF1DZ06evO25rXbO'])
 * // { mode: 'backfill', dates: ['2026-11-01', '2026-11-02'], playlistIds: [], playlistsNamed: false, full: false }
 */
export const parseRunRequest = (request: unknown, today: IsoDate, defaultPlaylists: readonly string[]): RunRequest => {
  if (!isRecord(request)) {
    return fail(`the run input ${show(request)} is not a JSON object; start a run with e.g. {"mode":"manual","date":"${today}"}`);
  }
  const mode = request['mode'];
  if (typeof mode !== 'string' || !runModes.includes(mode as RunMode)) {
    return fail(`mode: ${show(mode)} is not a run mode; use "scheduled", "manual" or "backfill"`);
  }
  const runMode = mode as RunMode;
  const allowed = ['mode', 'playlists', 'full', ...fieldsOf[runMode]];
  const unknown = Object.keys(request).filter((field) => !allowed.includes(field));
  if (unknown.length > 0) {
    fail(`${cut(unknown.join(', '))}: not a field of a ${runMode} run; it accepts ${allowed.join(', ')}`);
  }
  const dates =
    runMode === 'scheduled'
      ? [scheduledDate(request, today)]
      : runMode === 'manual'
        ? [dateField(request, 'date', today)]
        : backfillDates(request, today);
  const full = request['full'] ?? false;
  if (typeof full !== 'boolean') fail(`full: ${show(full)} is not true or false; pass "full": true to read every playlist's pages again`);
  // Only extraction needs a list: a backfill of past dates that names none rebuilds each date's
  // own playlists (ValidateInput's rebuildLanded), so it carries none, and a long configured list
  // takes no room in the run's state.
  const extractsToday = runMode !== 'backfill' || dates.includes(today);
  const playlistsNamed = 'playlists' in request;
  const parsed = {
    mode: runMode,
    dates,
    playlistIds: extractsToday || playlistsNamed ? playlistsOf(request, defaultPlaylists) : [],
    playlistsNamed,
    full: full as boolean,
  };
  refuseOversizedPlan(parsed);
  return parsed;
};

/**
 * The most bytes the plan of `request` can take in the run's state, serialised as the state
 * carries it (every date planned, as `"extract":false` is longer than a skipped date; the longest
 * execution name; a start time of ISO 8601's fixed length), and its dates once more: RecordRun's
 * `published` and `skipped` and NotifyFailure's `failedDates` list each of them at most once.
 */
export const planBytesAtMost = (request: RunRequest): number => {
  const plan: RunPlan = {
    run: { mode: request.mode, executionName: 'x'.repeat(maxExecutionNameLength), startedAt: new Date(0).toISOString(), full: request.full },
    playlistIds: request.playlistIds,
    rebuildLanded: false,
    dates: request.dates.map((date) => ({ date, extract: false })),
    skipped: [],
    readsSpotify: false,
  };
  return new TextEncoder().encode(JSON.stringify([plan, request.dates])).length;
};

/**
 * Refuses a request whose plan would not fit the run's state: past the limit ValidateInput's
 * result fails with States.DataLimitExceeded, which NotifyFailure cannot catch, so nothing would
 * release the dates' leases. Only many playlists over many dates get there (10,000 fit one date).
 */
const refuseOversizedPlan = (request: RunRequest): void => {
  const bytes = planBytesAtMost(request);
  if (bytes <= maxPlanBytes) return;
  const count = (n: number): string => n.toLocaleString('en-US');
  fail(
    `from/to, playlists: ${count(request.playlistIds.length)} playlists over ${count(request.dates.length)} dates take ` +
      `${count(bytes)} bytes of the run's state, more than the ${count(maxPlanBytes)} it holds for them (Step Functions' 256 KiB payload less ` +
      `${stateHeadroomBytes / 1024} KiB for its other fields); split the backfill into shorter ranges or fewer playlists`,
  );
};

/** Who started the run and when: carried to every step that writes a manifest. */
export const RunContext = t.intersection([
  t.type({
    mode: RunMode,
    /** The Step Functions execution name, so a failure only marks manifests this execution wrote. */
    executionName: t.string,
    /** When the run started (ISO 8601): the extraction time recorded for dates extracted fresh. */
    startedAt: t.string,
  }),
  /** `full`: every playlist is paged, changed or not (`"full": true`); absent in plans made before it existed. */
  t.partial({ full: t.boolean }),
]);
export type RunContext = t.TypeOf<typeof RunContext>;

/** One date of a run: extracted fresh from Spotify, or rebuilt from the raw snapshots already landed. */
export const PlannedDate = t.type({ date: IsoDate, extract: t.boolean });
export type PlannedDate = t.TypeOf<typeof PlannedDate>;

/**
 * The validated plan of a run: the dates to process, the dates skipped for want of raw data, the
 * playlists, and whether a rebuilt date reads its own playlists (a backfill that named none): those
 * of its published run, or every one landed on it where nothing is published.
 */
export const RunPlan = t.intersection([
  t.type({
    run: RunContext,
    playlistIds: t.array(SpotifyPlaylistId),
    rebuildLanded: t.boolean,
    dates: t.array(PlannedDate),
    skipped: t.array(IsoDate),
  }),
  /**
   * `readsSpotify`: whether a date is extracted, so the run needs a Spotify token; a backfill of
   * past dates rebuilds from raw alone and must not fail for want of Spotify. Absent in plans made
   * before it existed (such a run always fetched its token).
   */
  t.partial({ readsSpotify: t.boolean }),
]);
export type RunPlan = t.TypeOf<typeof RunPlan>;

/**
 * The requests that together run `plan`'s dates and playlists again (a throttled run's restart),
 * each date as the plan ran it. A date the plan extracted is extracted again: as a manual run of
 * it, naming the plan's playlists, since a backfill extracts only the day it runs on and a restart
 * after midnight would rebuild the date from what landed before the throttle (or skip it). Only
 * a backfill's last date can have been extracted (today), so the dates before it stay one backfill
 * of their range, skipped ones included, naming the playlists only when the run named them. A
 * scheduled run's date is a manual run too, so its restart after midnight keeps it. Different
 * dates take different leases, so the requests may run at once. Rebuilt from the plan because the
 * run's state no longer holds the execution's input: at 10,000 playlists the input and the plan
 * would not both fit in one state payload.
 * @example restartRequestsOf(plan) // [{ mode: 'manual', date: '2026-11-20', playlists: ['37i9dQZF1DZ06evO25rXbO'] }]
 */
export const restartRequestsOf = (plan: RunPlan): Record<string, unknown>[] => {
  const full = plan.run.full === true ? { full: true } : {};
  // ValidateInput plans every scheduled or manual date extracted; a backfill extracts only today.
  const extracted = plan.dates.filter(({ extract }) => extract).map(({ date }) => date);
  const rebuilt = [...plan.dates.filter(({ extract }) => !extract).map(({ date }) => date), ...plan.skipped].toSorted();
  const manual = extracted.map((date) => ({ mode: 'manual', date, playlists: plan.playlistIds, ...full }));
  const from = rebuilt[0];
  const to = rebuilt.at(-1);
  if (from === undefined || to === undefined) return manual;
  return [{ mode: 'backfill', from, to, ...(plan.rebuildLanded ? {} : { playlists: plan.playlistIds }), ...full }, ...manual];
};
