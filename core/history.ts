/**
 * A playlist's history across dates: which earlier snapshot a date is compared with.
 *
 * Finding it reads the manifest of the day before first: on a daily schedule that is the answer
 * (one request). Otherwise it lists the manifests of the window, {@link historyLookbackDays}
 * dates back (one listing per calendar year the window touches, so one except in January), and
 * reads only the dates that have one, latest first, until one published the playlist. Walking back
 * one date at a time instead read a manifest per date of the window whether it existed or not: 31
 * requests per playlist on a lake with no earlier run. A playlist seen on no date of the window
 * counts as new. A pointer file per playlist, written at publication, would be one request
 * whatever the gap, but it is a second record of what the manifests already say, and it would be
 * wrong for a backfill, whose dates are published together at the end of the run.
 */
import { addDays, type IsoDate } from './dates';
import {
  dateOfManifestKey,
  rawItemsPrefix,
  rawPlaylistKey,
  runManifestKey,
  runManifestsOfYearPrefix,
} from './lake/keys';
import { completeReads } from './lake/landed';
import { snapshotIdInRaw } from './extract';
import { PublishedSnapshots } from './lake/manifest';
import { decodeManifest } from './manifests';
import type { BlobStore } from './ports';

/** How many earlier dates are searched for a playlist's previous snapshot. */
export const historyLookbackDays = 31;

/** A playlist's snapshot on an earlier date. */
export interface EarlierSnapshot {
  readonly date: IsoDate;
  readonly snapshotId: string;
}

/**
 * The playlist's last published snapshot before `date`: the latest earlier date, within
 * {@link historyLookbackDays}, whose manifest's published run lists the playlist with a snapshot id.
 * One manifest read when the day before has it; else one listing and a read per earlier date with a
 * manifest, latest first, until one has it.
 */
export const lastPublishedSnapshot = async (store: BlobStore, date: IsoDate, playlistId: string): Promise<EarlierSnapshot | undefined> => {
  const dayBefore = addDays(date, -1);
  const found = await publishedIn(store, dayBefore, playlistId);
  if (found !== undefined) return found;
  for (const earlier of await manifestDatesBefore(store, dayBefore)) {
    const published = await publishedIn(store, earlier, playlistId);
    if (published !== undefined) return published;
  }
  return undefined;
};

/** The playlist's snapshot as `date`'s published run lists it, if it does. */
const publishedIn = async (store: BlobStore, date: IsoDate, playlistId: string): Promise<EarlierSnapshot | undefined> => {
  const snapshotId = (await publishedOn(store, date))?.snapshotIds.get(playlistId);
  return snapshotId ? { date, snapshotId } : undefined;
};

/** What a date's manifest says is published: the run (none when nothing is), and its playlists' snapshot ids and rows. */
interface Published {
  readonly runId: string | undefined;
  readonly snapshotIds: ReadonlyMap<string, string>;
  readonly rows: ReadonlyMap<string, number>;
}

/** A manifest's bytes and what the lookup decoded from them. */
interface Decoded {
  readonly body: Uint8Array;
  readonly published: Published;
}

/**
 * The last few manifests decoded, by key. Every GetPlaylist of a date looks in the same manifest,
 * and many run in one process (a local run; a warm Lambda takes one invocation after another):
 * at 10,000 playlists decoding it (3 MB) for each of them was quadratic over a run. The manifest
 * is still read every time and compared whole with the bytes decoded, so one rewritten since (a
 * publish, a rerun, another lake) is decoded again: what is reused is only ever the decoding of
 * the very bytes just read. Eight at most: a window walk reads up to 31, one at a time.
 */
const decodedManifests = new Map<string, Decoded>();
const maxDecodedManifests = 8;

/**
 * `date`'s published run and the snapshot id of each playlist it lists with one, or undefined
 * when the date has no manifest; no run and no playlist when it published nothing or its
 * manifest is damaged (the lookups pass over it, as over a date without a manifest: the playlist
 * is then read from Spotify).
 */
const publishedOn = async (store: BlobStore, date: IsoDate): Promise<Published | undefined> => {
  const key = runManifestKey(date);
  const body = await store.get(key);
  if (body === undefined) return undefined;
  const cached = decodedManifests.get(key);
  if (cached !== undefined && sameBytes(cached.body, body)) return cached.published;
  const found = decodeManifest(key, body, PublishedSnapshots);
  const run = found.state === 'present' ? found.manifest.published : null;
  const snapshotIds = new Map<string, string>();
  const rows = new Map<string, number>();
  for (const { playlistId, snapshotId, rows: count } of run?.playlists ?? []) {
    if (!snapshotId) continue;
    snapshotIds.set(playlistId, snapshotId);
    rows.set(playlistId, count);
  }
  const published = { runId: run?.runId, snapshotIds, rows };
  decodedManifests.delete(key);
  decodedManifests.set(key, { body, published });
  for (const oldest of decodedManifests.keys()) {
    if (decodedManifests.size <= maxDecodedManifests) break;
    decodedManifests.delete(oldest);
  }
  return published;
};

/** Whether two byte arrays hold the same bytes (Buffer#equals: a native compare, 10× the JavaScript loop's speed on 3 MB). */
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

/** The dates of the window before `dayBefore` (which is read first) that have a manifest, latest first. */
const manifestDatesBefore = async (store: BlobStore, dayBefore: IsoDate): Promise<IsoDate[]> => {
  const oldest = addDays(dayBefore, 1 - historyLookbackDays);
  const years = [...new Set([oldest.slice(0, 4), dayBefore.slice(0, 4)])];
  const keys = (await Promise.all(years.map((year) => store.list(runManifestsOfYearPrefix(year))))).flat();
  return keys
    .map(dateOfManifestKey)
    .filter((earlier): earlier is IsoDate => earlier !== undefined && earlier >= oldest && earlier < dayBefore)
    .sort()
    .reverse();
};

/**
 * Copies a playlist's raw snapshot (playlist.json and every page) from `from` to `to`, byte for
 * byte, after clearing the pages `to` held: `to` then stands on its own, so a backfill of it
 * rebuilds the same rows even if `from` is later removed. The bytes are read and put again rather
 * than copied inside the store: a playlist's raw is a few small objects, and the BlobStore port
 * stays four methods that every store (S3, a folder, the tests' memory) already has.
 * @returns whether `to` now holds `snapshotId` whole: not when a rerun of `from` running at the
 *   same time removed or replaced what was being copied (its playlist.json gone, or of another
 *   snapshot, a page gone, or pages listed since that the copy did not see), and then `to` has
 *   pages but no playlist.json, to be read afresh
 */
export const copyRawSnapshot = async (store: BlobStore, playlistId: string, from: IsoDate, to: IsoDate, snapshotId: string): Promise<boolean> => {
  const pageKeys = await store.list(rawItemsPrefix(from, playlistId));
  // `to`'s playlist.json stands for complete pages (core/lake/keys.ts): gone before they change.
  await store.delete([rawPlaylistKey(to, playlistId)]);
  await store.delete(await store.list(rawItemsPrefix(to, playlistId)));
  for (const key of pageKeys) {
    const body = await store.get(key);
    if (body === undefined) return false;
    await store.put(`${rawItemsPrefix(to, playlistId)}${key.slice(rawItemsPrefix(from, playlistId).length)}`, body);
  }
  const metadata = await store.get(rawPlaylistKey(from, playlistId));
  // The playlist object last, and only over the pages of its snapshot, all of them: a rerun that
  // began before the listing and landed the same snapshot again since has pages the copy missed.
  // A date whose copy was interrupted has pages but no metadata, which GetPlaylist's next attempt
  // rewrites, and Normalise reports as a reject rather than a drop.
  if (metadata === undefined || snapshotIdInRaw(metadata) !== snapshotId) return false;
  if ((await store.list(rawItemsPrefix(from, playlistId))).join() !== pageKeys.join()) return false;
  await store.put(rawPlaylistKey(to, playlistId), metadata);
  return true;
};

/** Which earlier dates a run's changes may compare with, besides those published. */
export interface HistoryScope {
  /** Every date the run writes: an earlier one is published with the date at the run's end. */
  readonly runDates: ReadonlySet<IsoDate>;
  /**
   * Whether the run rebuilds each date's own playlists (a backfill that named none): an earlier
   * date it writes that has a published run then publishes only that run's playlists again.
   */
  readonly rebuildsPublished: boolean;
  /** The last date looked at: {@link historyLookbackDays} before the date the changes are of. */
  readonly oldest: IsoDate;
}

/** The scope of `date`'s changes in a run writing `runDates`. */
export const historyScopeOf = (date: IsoDate, runDates: ReadonlySet<IsoDate>, rebuildsPublished: boolean): HistoryScope => ({
  runDates,
  rebuildsPublished,
  oldest: addDays(date, -historyLookbackDays),
});

/**
 * For each of `playlistIds`, its previous snapshot before `before`, back to the scope's oldest
 * date: the latest earlier date that published it, or that this run writes too and will publish
 * it (a backfill's earlier dates, published with this one at its end). So the changes of the
 * published dates add up: a date whose run failed and was never run again, and a playlist a
 * date's published run left out, are passed over, as readers never saw them. A date of this run
 * that publishes what landed counts where its raw holds a complete read of the playlist (its
 * playlist.json); a published date counts whatever its raw holds now, as its published rows say
 * what readers saw (a failed rerun of the date may have cut or replaced its raw since). One
 * manifest read per date walked back for all the playlists at once, and one raw listing for a
 * date of the run.
 */
export const previousSnapshots = async (
  store: BlobStore,
  before: IsoDate,
  playlistIds: readonly string[],
  scope: HistoryScope,
): Promise<Map<string, PreviousSnapshot>> => {
  const found = new Map<string, PreviousSnapshot>();
  for (let earlier = addDays(before, -1); earlier >= scope.oldest && found.size < playlistIds.length; earlier = addDays(earlier, -1)) {
    // A date of this run publishes what landed, unless it rebuilds what it published before:
    // only then, or for a date outside the run, does its manifest say what counts.
    const ofRun = scope.runDates.has(earlier);
    const published = ofRun && !scope.rebuildsPublished ? undefined : await publishedOn(store, earlier);
    if (ofRun && (published === undefined || published.snapshotIds.size === 0)) {
      const landed = await completeReads(store, earlier);
      for (const id of playlistIds) if (!found.has(id) && landed.has(id)) found.set(id, { date: earlier });
      continue;
    }
    if (published?.runId === undefined) continue;
    for (const id of playlistIds) {
      const publishedSnapshotId = published.snapshotIds.get(id);
      if (!found.has(id) && publishedSnapshotId !== undefined) {
        found.set(id, { date: earlier, published: { runId: published.runId, snapshotId: publishedSnapshotId, rows: published.rows.get(id) ?? 0 } });
      }
    }
  }
  return found;
};

/**
 * A playlist's previous snapshot: its date and, for a date outside the run (or one it rebuilds as
 * published), the run that published it with the snapshot id it lists: what readers saw, in that
 * run's playlist_items, which the date's raw holds only while no later read of the date replaced
 * it; none for a date the same run writes from what landed, whose raw is what it will publish.
 */
export interface PreviousSnapshot {
  readonly date: IsoDate;
  readonly published?: { readonly runId: string; readonly snapshotId: string; readonly rows: number } | undefined;
}
