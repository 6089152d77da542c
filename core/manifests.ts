/**
 * Reading and writing run manifests in the lake, decoded at the boundary like any stored JSON.
 * A manifest is derived data: one that is not JSON or not in the expected shape is reported as
 * damaged, never thrown as a SyntaxError, so a rerun can rebuild the date from raw.
 */
import type * as t from 'io-ts';
import type { IsoDate } from './dates';
import { tryDecode } from './decode';
import { ValidationFailedError } from './errors';
import { parseJsonBytes } from './json-bytes';
import { runManifestKey } from './lake/keys';
import { RunManifest } from './lake/manifest';
import type { BlobStore } from './ports';

/** A date's manifest as found in the lake, decoded whole or (`T`) only in the fields a reader needs. */
type Found<T> =
  | { readonly state: 'absent' }
  | { readonly state: 'present'; readonly manifest: T }
  | { readonly state: 'damaged'; readonly key: string; readonly problem: string };

/** A date's manifest as found in the lake. */
export type ManifestFound = Found<RunManifest>;

/**
 * The manifest found at `key`, decoded with `codec`: the whole {@link RunManifest}, or a
 * lighter codec of the fields one reader needs, which names a damaged field in the same words.
 */
export const decodeManifest = <C extends t.Mixed>(key: string, body: Uint8Array, codec: C): Found<t.TypeOf<C>> => {
  let json: unknown;
  try {
    json = parseJsonBytes(body);
  } catch {
    return { state: 'damaged', key, problem: 'it is not JSON' };
  }
  const decoded = tryDecode(codec, json);
  return decoded.ok
    ? { state: 'present', manifest: decoded.value }
    : { state: 'damaged', key, problem: `it is not a version-2 manifest (${decoded.problems.slice(0, 3).join('; ')})` };
};

/** The manifest of `date`: absent, present, or damaged with what is wrong with it. */
export const findManifest = async (store: BlobStore, date: IsoDate): Promise<ManifestFound> => {
  const key = runManifestKey(date);
  const body = await store.get(key);
  return body === undefined ? { state: 'absent' } : decodeManifest(key, body, RunManifest);
};

/** The manifest of `date`, or undefined when there is none or it is damaged. */
export const readManifest = async (store: BlobStore, date: IsoDate): Promise<RunManifest | undefined> => {
  const found = await findManifest(store, date);
  return found.state === 'present' ? found.manifest : undefined;
};

/**
 * The manifest this run started for `date`, for the steps after Normalise. Another run's manifest
 * or none at all means the date was taken from under this run (the lease prevents it): the
 * step fails, not retried, so that nothing is published from files this run cannot vouch for.
 */
export const readOwnManifest = async (store: BlobStore, date: IsoDate, executionName: string): Promise<RunManifest> => {
  const found = await findManifest(store, date);
  if (found.state === 'present' && found.manifest.lastAttempt.executionName === executionName) return found.manifest;
  const what =
    found.state === 'absent'
      ? 'is missing'
      : found.state === 'damaged'
        ? `is damaged: ${found.problem}`
        : `now records execution ${found.manifest.lastAttempt.executionName}`;
  throw new ValidationFailedError(`The run manifest ${runManifestKey(date)} ${what}, not this run's (${executionName}); rerun ${date}.`);
};

/**
 * Writes a manifest at its date's key, whole (the store's put is atomic). One line of JSON, so
 * Athena's JSON SerDe reads it as one row (the published run of the date).
 */
export const writeManifest = async (store: BlobStore, manifest: RunManifest): Promise<void> => {
  await store.put(runManifestKey(manifest.snapshotDate), `${JSON.stringify(RunManifest.encode(manifest))}\n`);
};
