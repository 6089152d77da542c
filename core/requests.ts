/**
 * Spotify requests counted per run (issue 11 item 2): each step that calls Spotify adds what it
 * sent to a small JSON in the lake (raw/requests/, one per playlist of a date, one per execution
 * for FetchToken), because on AWS each Lambda sees only its own requests; RecordRun or
 * NotifyFailure sums them into the dates' manifests and removes them.
 */
import * as t from 'io-ts';
import type { IsoDate } from './dates';
import { tryDecode } from './decode';
import { dateRequestsPrefix, executionRequestsKey } from './lake/keys';
import type { BlobStore } from './ports';

/** HTTP requests sent to Spotify, retries included: to the Web API and for tokens. */
export const RequestCounts = t.type({ spotifyApi: t.number, spotifyToken: t.number });
export type RequestCounts = t.TypeOf<typeof RequestCounts>;

/** No request. */
export const noRequests: RequestCounts = { spotifyApi: 0, spotifyToken: 0 };

/** The sum of some counts. */
export const addCounts = (...counts: readonly RequestCounts[]): RequestCounts => ({
  spotifyApi: counts.reduce((sum, c) => sum + c.spotifyApi, 0),
  spotifyToken: counts.reduce((sum, c) => sum + c.spotifyToken, 0),
});

/** The counts stored at `key`; none when the key is absent or not counts (they are a report, never a reason to fail). */
const readCounts = async (store: BlobStore, key: string): Promise<RequestCounts> => {
  const body = await store.get(key);
  if (body === undefined) return noRequests;
  try {
    const decoded = tryDecode(RequestCounts, JSON.parse(new TextDecoder().decode(body)));
    return decoded.ok ? decoded.value : noRequests;
  } catch {
    return noRequests;
  }
};

/**
 * Adds `counts` to those stored at `key`. A playlist's invocations run one after the other, and
 * one execution holds a date at a time (the date leases), so a read-then-write loses nothing.
 */
export const addRequests = async (store: BlobStore, key: string, counts: RequestCounts): Promise<void> => {
  if (counts.spotifyApi === 0 && counts.spotifyToken === 0) return;
  await store.put(key, JSON.stringify(addCounts(await readCounts(store, key), counts)));
};

/**
 * What a run sent for each of its dates, and the keys that held it (to delete once recorded):
 * every playlist's counts of the date, and the execution's own (FetchToken's) on its first date
 * only, so that summing the dates gives what Spotify saw from the run.
 */
export const collectRequests = async (
  store: BlobStore,
  dates: readonly IsoDate[],
  executionName: string,
): Promise<{ byDate: Map<IsoDate, RequestCounts>; keys: string[] }> => {
  const byDate = new Map<IsoDate, RequestCounts>();
  const keys: string[] = [];
  for (const [index, date] of dates.entries()) {
    const dateKeys = await store.list(dateRequestsPrefix(date));
    const own = index === 0 ? [executionRequestsKey(executionName)] : [];
    byDate.set(date, addCounts(...(await Promise.all([...dateKeys, ...own].map((key) => readCounts(store, key))))));
    keys.push(...dateKeys, ...own);
  }
  // A run with no date to record (all skipped) still leaves its token requests behind: they go too.
  if (dates.length === 0) keys.push(executionRequestsKey(executionName));
  return { byDate, keys };
};
