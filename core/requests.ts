/**
 * Spotify requests counted per run (issue 11 item 2). On AWS each Lambda sees only its own
 * requests, so every invocation of a step that calls Spotify puts one small object of its own
 * below the run's folder (raw/requests/run_id=R/), its counts in its key: written once, never
 * read back, never shared, so a retry, a redrive or a second invocation of a playlist cannot
 * overwrite another's. RecordRun or NotifyFailure sums each date of the run from one listing on
 * every try and deletes nothing (on AWS a lifecycle rule expires raw/requests/), so retries,
 * redrives, late writers and overlapping summing steps all find a correct total with no state.
 * A failed invocation's object also holds its error: on AWS a failed playlist child fails the
 * Distributed Map with an error that names none, and NotifyFailure finds the child's here.
 */
import * as t from 'io-ts';
import type { IsoDate } from './dates';
import { tryDecode } from './decode';
import { parseJsonBytes } from './json-bytes';
import { dateRequestsPrefix, executionRequestsPrefix, playlistRequestsStem, runRequestsPrefix } from './lake/keys';
import type { BlobStore } from './ports';

/**
 * Days the per-invocation request counts below raw/requests/ are kept (an S3 lifecycle rule on
 * AWS, a sweep at each local run's start): nothing else deletes them (a run's summing steps only
 * list them), and only a redrive of the run, at most 14 days after it ended, sums them again;
 * what they add up to is in the manifests by then.
 */
export const requestCountsKeptDays = 35;

/** HTTP requests sent to Spotify, retries included: to the Web API and for tokens. */
export const RequestCounts = t.type({ spotifyApi: t.number, spotifyToken: t.number });
export type RequestCounts = t.TypeOf<typeof RequestCounts>;

/**
 * The run's execution name, which each output of the playlist's steps passes on: their requests
 * are counted under it (absent in payloads of definitions before it was passed: then they are not stored).
 */
export const RunOfPlaylist = t.partial({ executionName: t.string });
export type RunOfPlaylist = t.TypeOf<typeof RunOfPlaylist>;

/** Where an invocation of a playlist's step (`stateName`) stores its requests; none for a payload without the run's execution name. */
export const playlistStepRequestsStem = (input: RunOfPlaylist & { readonly date: IsoDate; readonly playlistId: string }, stateName: string): string | undefined =>
  input.executionName === undefined ? undefined : playlistRequestsStem(input.executionName, input.date, stateName, input.playlistId);

/** The {@link RunOfPlaylist} of `input`, to pass on in an output. */
export const runOfPlaylist = (input: RunOfPlaylist): RunOfPlaylist =>
  input.executionName === undefined ? {} : { executionName: input.executionName };

/** No request. */
export const noRequests: RequestCounts = { spotifyApi: 0, spotifyToken: 0 };

/** The sum of some counts. */
export const addCounts = (...counts: readonly RequestCounts[]): RequestCounts => ({
  spotifyApi: counts.reduce((sum, c) => sum + c.spotifyApi, 0),
  spotifyToken: counts.reduce((sum, c) => sum + c.spotifyToken, 0),
});

/** `a` less `b`, never below 0. */
export const subtractCounts = (a: RequestCounts, b: RequestCounts): RequestCounts => ({
  spotifyApi: Math.max(0, a.spotifyApi - b.spotifyApi),
  spotifyToken: Math.max(0, a.spotifyToken - b.spotifyToken),
});

const isNone = (counts: RequestCounts): boolean => counts.spotifyApi === 0 && counts.spotifyToken === 0;

/**
 * A failed invocation's error, as Step Functions reports a Lambda's: the error's name and a Cause
 * holding its message (`{"errorType","errorMessage"}`, which causeMessage reads).
 */
export const InvocationFailure = t.type({ Error: t.string, Cause: t.string });
export type InvocationFailure = t.TypeOf<typeof InvocationFailure>;

/** The counts a key ends with: `<stem>.<id>[.failed].api-<n>.token-<n>.json`; the key is the record, so totalling needs a listing and no GET. */
const countsPattern = /\.api-(\d+)\.token-(\d+)\.json$/;
/** A failed invocation's object, found from a listing: only those are read back. */
const failedPattern = /\.failed\.api-\d+\.token-\d+\.json$/;
const countsKey = (stem: string, id: string, counts: RequestCounts, failed: boolean): string =>
  `${stem}.${id}${failed ? '.failed' : ''}.api-${counts.spotifyApi}.token-${counts.spotifyToken}.json`;

/** The counts recorded in `key`, or undefined when it is no count object. */
export const countsOfKey = (key: string): RequestCounts | undefined => {
  const match = countsPattern.exec(key);
  return match?.[1] === undefined || match[2] === undefined ? undefined : { spotifyApi: Number(match[1]), spotifyToken: Number(match[2]) };
};

/**
 * Stores one invocation's `counts` as a new object beside `stem` (a PUT, nothing read first):
 * nothing when it sent no request and did not fail; with its error when it failed. `id` is unique
 * to the write (the wiring draws it at random), so two writes, of one invocation or of two, never
 * replace each other.
 */
export const storeRequests = async (
  store: BlobStore,
  stem: string,
  id: string,
  counts: RequestCounts,
  failure?: { readonly error: InvocationFailure; readonly at: Date; readonly retried: boolean },
): Promise<void> => {
  if (failure === undefined && isNone(counts)) return;
  const body = failure === undefined ? counts : { ...counts, error: failure.error, failedAt: failure.at.toISOString(), retried: failure.retried };
  await store.put(countsKey(stem, id, counts, failure !== undefined), JSON.stringify(body));
};

/** What a failed invocation's object holds beside its counts: the error, when, and whether the state machine retries that error. */
const FailedInvocation = t.type({ error: InvocationFailure, failedAt: t.string, retried: t.boolean });
type FailedInvocation = t.TypeOf<typeof FailedInvocation>;

/** The later of two failures; the listing's order settles a tie (ISO-8601 UTC times sort as text). */
const later = (latest: FailedInvocation | undefined, next: FailedInvocation): FailedInvocation => (latest === undefined || next.failedAt >= latest.failedAt ? next : latest);

/**
 * The error that ended a playlist's child execution of the run: the latest failure of an error
 * the state machine does not retry (so none that a retry may have mended), or undefined when no
 * playlist step stored one: a child that ran out of time, or whose retried error ran out of
 * attempts, stores nothing that tells it apart from one that recovered. On AWS, when a playlist's
 * child fails, the Distributed Map stops the others and fails with an error that names no
 * playlist's: this is what NotifyFailure records instead, when there is one.
 */
export const latestFailedInvocation = async (store: BlobStore, executionName: string): Promise<InvocationFailure | undefined> => {
  // FetchToken's failures (below execution/) are the run's own, caught where they happen.
  const keys = (await store.list(runRequestsPrefix(executionName))).filter((key) => failedPattern.test(key) && !key.startsWith(executionRequestsPrefix(executionName)));
  const failures = (
    await Promise.all(
      keys.map(async (key) => {
        const body = await store.get(key);
        try {
          const decoded = body === undefined ? undefined : tryDecode(FailedInvocation, parseJsonBytes(body));
          return decoded?.ok === true ? [decoded.value] : [];
        } catch {
          return [];
        }
      }),
    )
  ).flat();
  return failures.filter((failure) => !failure.retried).reduce<FailedInvocation | undefined>(later, undefined)?.error;
};

/**
 * What a run sent for each of its dates: every invocation's count under the run's folder, summed
 * from one listing (the counts are in the keys, so no GET); FetchToken's counts on the run's first
 * date only, so that summing the dates gives what Spotify saw from the run. Nothing is written or
 * deleted, so a summing step retried, run twice at once or run again by a redrive (same run id,
 * so the total covers every attempt) always finds every count that has landed: the total is never
 * less than an earlier summing found, and never counts an invocation twice.
 */
export const sumRequests = async (store: BlobStore, dates: readonly IsoDate[], executionName: string): Promise<Map<IsoDate, RequestCounts>> => {
  const runPrefix = runRequestsPrefix(executionName);
  const counted = (await store.list(runPrefix)).flatMap((key) => {
    const counts = countsOfKey(key);
    return counts === undefined ? [] : [{ key, counts }];
  });
  const executionPrefix = executionRequestsPrefix(executionName);
  const byDate = new Map<IsoDate, RequestCounts>();
  for (const [index, date] of dates.entries()) {
    const prefix = dateRequestsPrefix(executionName, date);
    const ofDate = counted.filter(({ key }) => key.startsWith(prefix) || (index === 0 && key.startsWith(executionPrefix)));
    byDate.set(date, addCounts(...ofDate.map(({ counts }) => counts)));
  }
  return byDate;
};

/** Whether `a` counts more than `b`: some count larger, none smaller (a later summing of the same run never finds less). */
export const countsMore = (a: RequestCounts, b: RequestCounts): boolean =>
  a.spotifyApi >= b.spotifyApi && a.spotifyToken >= b.spotifyToken && (a.spotifyApi > b.spotifyApi || a.spotifyToken > b.spotifyToken);
