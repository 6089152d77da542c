/**
 * Spotify requests counted per run (issue 11 item 2). On AWS each Lambda sees only its own
 * requests, so every invocation of a step that calls Spotify puts one small object of its own
 * below the run's folder (raw/requests/run_id=R/), its counts in its key: written once, never
 * read back, never shared, so a retry, a redrive or a second invocation of a playlist cannot
 * overwrite another's. RecordRun or NotifyFailure then totals each date of the run from one
 * listing, and keeps the total in a tally object before the manifests record it and the
 * invocations' objects are deleted: a step retried at any point finds the same total again.
 */
import * as t from 'io-ts';
import type { IsoDate } from './dates';
import { tryDecode } from './decode';
import { dateRequestsPrefix, runRequestsPrefix } from './lake/keys';
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
 * A tally's name starts so, then its number in its date's folder (one summing step of a run at a
 * time, each seeing the ones before, so numbers never repeat); what it absorbed (keys relative
 * to the run's folder) is its body.
 */
const tallyStem = 'tally';
const TallyBody = t.type({ absorbed: t.array(t.string) });

/** The keys a tally absorbed, or none when its body is unreadable (it still counts: its key holds the total). */
const absorbedBy = async (store: BlobStore, key: string, runPrefix: string): Promise<string[]> => {
  const body = await store.get(key);
  if (body === undefined) return [];
  try {
    const decoded = tryDecode(TallyBody, JSON.parse(new TextDecoder().decode(body)));
    return decoded.ok ? decoded.value.absorbed.map((name) => `${runPrefix}${name}`) : [];
  } catch {
    return [];
  }
};

/** A run's totals per date, the invocations' objects they count and the tallies that still list them ({@link forgetSpent} deletes and empties these). */
export interface RequestsTallied {
  readonly byDate: Map<IsoDate, RequestCounts>;
  readonly spent: readonly string[];
  readonly listing: readonly string[];
}

/**
 * What a run sent for each of its dates, and the invocations' objects to delete once the
 * manifests record it. A date's total is its tallies plus every invocation object no tally
 * absorbed yet (FetchToken's count on the run's first date only, so that summing the dates gives
 * what Spotify saw from the run); those are absorbed by a new tally, put before this returns.
 * So a retry after the objects were deleted, or some of them, finds the tally and the same total,
 * never 0/0 and never twice; a redrive's new invocations add a tally of their own to the run's.
 */
export const tallyRequests = async (
  store: BlobStore,
  dates: readonly IsoDate[],
  executionName: string,
): Promise<RequestsTallied> => {
  const runPrefix = runRequestsPrefix(executionName);
  const keys = await store.list(runPrefix);
  const tallies = keys.filter((key) => key.slice(key.lastIndexOf('/') + 1).startsWith(`${tallyStem}.`));
  const lists = await Promise.all(tallies.map((key) => absorbedBy(store, key, runPrefix)));
  const absorbed = new Set(lists.flat());
  // Tallies still listing what they absorbed: an earlier try stopped before emptying them.
  const listing = tallies.filter((_, index) => (lists[index]?.length ?? 0) > 0);
  const spent = keys.filter((key) => !tallies.includes(key) && countsOfKey(key) !== undefined);
  const byDate = new Map<IsoDate, RequestCounts>();
  for (const [index, date] of dates.entries()) {
    const prefix = dateRequestsPrefix(executionName, date);
    const ofDate = (key: string) => key.startsWith(prefix) || (index === 0 && key.startsWith(`${runPrefix}execution/`));
    const fresh = spent.filter((key) => ofDate(key) && !absorbed.has(key));
    const counted = addCounts(...fresh.map((key) => countsOfKey(key) ?? noRequests));
    const body = JSON.stringify({ absorbed: fresh.map((key) => key.slice(runPrefix.length)) });
    if (fresh.length > 0) {
      const key = countsKey(`${prefix}${tallyStem}`, String(tallies.filter(ofDate).length + 1).padStart(4, '0'), counted);
      await store.put(key, body);
      listing.push(key);
    }
    byDate.set(date, addCounts(counted, ...tallies.filter(ofDate).map((key) => countsOfKey(key) ?? noRequests)));
  }
  return { byDate, spent, listing };
};

/**
 * Once the manifests record the totals: deletes the invocations' objects, then empties the list
 * of what the tallies absorbed, which only a retry after a partial delete needs (its key
 * keeps the total); a large run's list would otherwise stay in the lake for good.
 */
export const forgetSpent = async (store: BlobStore, tallied: RequestsTallied): Promise<void> => {
  await store.delete(tallied.spent);
  await Promise.all(tallied.listing.map((key) => store.put(key, JSON.stringify({ absorbed: [] }))));
};
