/**
 * A playlist's history across dates: which earlier snapshot a date is compared with.
 *
 * Finding it never lists the lake's dates: it walks back one date at a time from the day before,
 * at most {@link historyLookbackDays} dates, and stops at the first that has what it looks for.
 * A daily schedule finds it on the first step (one request); a playlist seen on no date of the
 * window counts as new. A pointer file per playlist, written at publication, would be one request
 * whatever the gap, but it is a second record of what the manifests already say, and it would be
 * wrong for a backfill, whose dates are published together at the end of the run.
 */
import { addDays, type IsoDate } from './dates';
import { playlistIdOfKey, rawItemsPrefix, rawPlaylistKey, rawPlaylistsPrefix } from './lake/keys';
import { readManifest } from './manifests';
import type { BlobStore } from './ports';

/** How many earlier dates are searched for a playlist's previous snapshot. */
export const historyLookbackDays = 31;

/** A playlist's snapshot on an earlier date. */
export interface EarlierSnapshot {
  readonly date: IsoDate;
  readonly snapshotId: string;
}

/**
 * The playlist's last published snapshot before `date`: the latest earlier date whose manifest's
 * published run lists the playlist with a snapshot id. One manifest read per date walked back.
 */
export const lastPublishedSnapshot = async (store: BlobStore, date: IsoDate, playlistId: string): Promise<EarlierSnapshot | undefined> => {
  for (let back = 1; back <= historyLookbackDays; back += 1) {
    const earlier = addDays(date, -back);
    const manifest = await readManifest(store, earlier);
    const listed = manifest?.published?.playlists.find((playlist) => playlist.playlistId === playlistId);
    if (listed?.snapshotId) return { date: earlier, snapshotId: listed.snapshotId };
  }
  return undefined;
};

/**
 * Copies a playlist's raw snapshot (playlist.json and every page) from `from` to `to`, byte for
 * byte, after clearing the pages `to` held: `to` then stands on its own, so a backfill of it
 * rebuilds the same rows even if `from` is later removed. The bytes are read and put again rather
 * than copied inside the store: a playlist's raw is a few small objects, and the BlobStore port
 * stays four methods that every store (S3, a folder, the tests' memory) already has.
 * @returns the number of page objects copied
 */
export const copyRawSnapshot = async (store: BlobStore, playlistId: string, from: IsoDate, to: IsoDate): Promise<number> => {
  const pageKeys = await store.list(rawItemsPrefix(from, playlistId));
  await store.delete(await store.list(rawItemsPrefix(to, playlistId)));
  for (const key of pageKeys) {
    const body = await store.get(key);
    if (body !== undefined) await store.put(`${rawItemsPrefix(to, playlistId)}${key.slice(rawItemsPrefix(from, playlistId).length)}`, body);
  }
  const metadata = await store.get(rawPlaylistKey(from, playlistId));
  // The playlist object last: a date whose copy was interrupted has pages but no metadata, which
  // GetPlaylist's next attempt rewrites, and Normalise reports as a reject rather than a drop.
  if (metadata !== undefined) await store.put(rawPlaylistKey(to, playlistId), metadata);
  return pageKeys.length;
};

/**
 * For each of `playlistIds`, the latest date before `date` (within {@link historyLookbackDays})
 * whose raw snapshots hold the playlist's metadata. Raw, not published Parquet: raw of earlier
 * dates is in the lake before a run starts (only today is extracted), so a backfill whose dates
 * are normalised two at a time, in any order, compares each date with the same earlier one.
 * One listing per date walked back, for all the playlists at once.
 */
export const previousRawDates = async (store: BlobStore, date: IsoDate, playlistIds: readonly string[]): Promise<Map<string, IsoDate>> => {
  const found = new Map<string, IsoDate>();
  for (let back = 1; back <= historyLookbackDays && found.size < playlistIds.length; back += 1) {
    const earlier = addDays(date, -back);
    const landed = new Set(
      (await store.list(rawPlaylistsPrefix(earlier))).filter((key) => key.endsWith('/playlist.json')).map(playlistIdOfKey),
    );
    for (const id of playlistIds) if (!found.has(id) && landed.has(id)) found.set(id, earlier);
  }
  return found;
};
