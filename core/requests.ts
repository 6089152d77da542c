/**
 * Spotify requests counted per run (issue 11 item 2). On AWS each Lambda sees only its own
 * requests, so every invocation of a step that calls Spotify puts one small object of its own
 * below the run's folder (raw/requests/run_id=R/), its counts in its key: written once, never
 * read back, never shared, so a retry, a redrive or a second invocation of a playlist cannot
 * overwrite another's. RecordRun or NotifyFailure sums each date of the run from one listing on
 * every try and deletes nothing (on AWS a lifecycle rule expires raw/requests/), so retries,
 * redrives, late writers and overlapping summing steps all find a correct total with no state.
 */
import * as t from 'io-ts';
import type { IsoDate } from './dates';
import { dateRequestsPrefix, executionRequestsPrefix, playlistRequestsStem, runRequestsPrefix } from './lake/keys';
import type { BlobStore } from './ports';

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

/** The counts a key ends with: `<stem>.<id>.api-<n>.token-<n>.json`; the key is the record, so totalling needs a listing and no GET. */
const countsPattern = /\.api-(\d+)\.token-(\d+)\.json$/;
const countsKey = (stem: string, id: string, counts: RequestCounts): string => `${stem}.${id}.api-${counts.spotifyApi}.token-${counts.spotifyToken}.json`;

/** The counts recorded in `key`, or undefined when it is no count object. */
export const countsOfKey = (key: string): RequestCounts | undefined => {
  const match = countsPattern.exec(key);
  return match?.[1] === undefined || match[2] === undefined ? undefined : { spotifyApi: Number(match[1]), spotifyToken: Number(match[2]) };
};

/**
 * Stores one invocation's `counts` as a new object beside `stem` (a PUT, nothing read first);
 * nothing when it sent no request. `id` is unique to the write (the wiring draws it at random),
 * so two writes, of one invocation or of two, never replace each other.
 */
export const storeRequests = async (store: BlobStore, stem: string, id: string, counts: RequestCounts): Promise<void> => {
  if (isNone(counts)) return;
  await store.put(countsKey(stem, id, counts), JSON.stringify(counts));
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
