/**
 * What landed of a date's raw, as the steps that read it count it: one definition for history's
 * walk, Normalise and ValidateInput.
 */
import type { IsoDate } from '../dates';
import type { BlobStore } from '../ports';
import { isRawPlaylistKey, offsetOfPageKey, playlistIdOfKey, rawItemsDatePrefix, rawPlaylistsPrefix } from './keys';

/** The playlists whose read of `date` completed: their playlist.json landed, which a read lands last. One listing. */
export const completeReads = async (store: BlobStore, date: IsoDate): Promise<Set<string>> =>
  new Set((await store.list(rawPlaylistsPrefix(date))).filter(isRawPlaylistKey).flatMap((key) => playlistIdOfKey(key) ?? []));

/** What landed of a date's raw. */
export interface LandedRaw {
  /** Playlists whose read completed (their playlist.json landed). */
  readonly complete: ReadonlySet<string>;
  readonly pageKeysOf: ReadonlyMap<string, readonly string[]>;
  /** A playlist with a playlist.json or a page: what Normalise reads, a reject when its read is incomplete. */
  readonly landed: ReadonlySet<string>;
}

/** What landed of `date`: the complete reads, each playlist's page keys, and every playlist with either. Two listings. */
export const landedRaw = async (store: BlobStore, date: IsoDate): Promise<LandedRaw> => {
  const [complete, itemKeys] = await Promise.all([completeReads(store, date), store.list(rawItemsDatePrefix(date))]);
  const pages = itemKeys.flatMap((key) => {
    const playlistId = playlistIdOfKey(key);
    return playlistId === undefined || offsetOfPageKey(key) === undefined ? [] : [{ playlistId, key }];
  });
  const pageKeysOf = new Map([...Map.groupBy(pages, ({ playlistId }) => playlistId)].map(([playlistId, found]) => [playlistId, found.map(({ key }) => key)]));
  return { complete, pageKeysOf, landed: new Set([...complete, ...pageKeysOf.keys()]) };
};
