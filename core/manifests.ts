/** Reading and writing run manifests in the lake, decoded at the boundary like any stored JSON. */
import { decodeOrThrow } from './decode';
import { runManifestKey, type IsoDate } from './lake/keys';
import { RunManifest } from './lake/manifest';
import type { BlobStore } from './ports';

/** The manifest of `date`, or undefined when no run has written one. */
export const readManifest = async (store: BlobStore, date: IsoDate): Promise<RunManifest | undefined> => {
  const key = runManifestKey(date);
  const body = await store.get(key);
  if (body === undefined) return undefined;
  return decodeOrThrow(
    RunManifest,
    JSON.parse(new TextDecoder().decode(body)),
    (problems) => new Error(`The run manifest ${key} is not in the expected shape (${problems.join('; ')}); rerun the date to rewrite it.`),
  );
};

/** Writes a manifest at its date's key, whole (the store's put is atomic). */
export const writeManifest = async (store: BlobStore, manifest: RunManifest): Promise<void> => {
  await store.put(runManifestKey(manifest.snapshotDate), `${JSON.stringify(RunManifest.encode(manifest), null, 2)}\n`);
};
