/** ExtractItems' logic: land pages as raw, within a page budget, and hand back the cursor. */
import { confirmSnapshot, readItemsPages } from '../../core/extract';
import { rawItemsPageKey, rawPlaylistKey } from '../../core/lake/keys';
import type { BlobStore, SpotifyApi } from '../../core/ports';
import { runOfPlaylist } from '../../core/requests';
import type { ExtractItemsInput, ExtractItemsOutput } from './contract';

/** What ExtractItems needs: Spotify, the lake, and how much one invocation may read. */
export interface ExtractItemsDeps {
  readonly spotify: SpotifyApi;
  readonly store: BlobStore;
  /** Entries per request, 1–50. */
  readonly pageSize: number;
  /** Pages per invocation: keeps one invocation well inside its timeout. */
  readonly maxPages: number;
}

/**
 * Reads pages from the cursor and stores each body as received (never re-serialised). Once the
 * last page landed and the snapshot id is confirmed unchanged, it lands the playlist object of
 * that confirming read as the date's playlist.json, which so stands for complete pages
 * (core/lake/keys.ts). Returns `done` when the playlist is read, or the cursor to resume at; a
 * short Retry-After comes back as `waitSeconds` so the machine waits in a Wait state instead of in
 * a Lambda.
 */
export const runExtractItems =
  (deps: ExtractItemsDeps) =>
  async (input: ExtractItemsInput): Promise<ExtractItemsOutput> => {
    const carried = { ...runOfPlaylist(input), date: input.date, playlistId: input.playlistId, ...(input.snapshotId === undefined ? {} : { snapshotId: input.snapshotId }) };
    const end = { offset: input.cursor.total, total: input.cursor.total };
    const done = { ...carried, cursor: end, done: true, waitSeconds: 0 } as const;
    // Every page landed: read the snapshot id again, so an edit made while paging is not kept.
    const confirm = async (pagesStored: number): Promise<ExtractItemsOutput> => {
      // A read a GetPlaylist of before the marker opened: that GetPlaylist landed playlist.json itself.
      if (input.snapshotId === undefined) return { ...done, pagesStored };
      // Waits in a row count from the last request that got an answer: a page, or none if this is a retry of the read.
      const waitsFrom = input.cursor.pagesRead === true ? input.cursor : end;
      const confirmed = await confirmSnapshot(deps.spotify, input.playlistId, input.snapshotId, waitsFrom);
      if ('confirmed' in confirmed) {
        await deps.store.put(rawPlaylistKey(input.date, input.playlistId), confirmed.confirmed);
        return { ...done, pagesStored };
      }
      return {
        ...carried,
        cursor: { ...end, pagesRead: true, rateLimitWaits: confirmed.rateLimitWaits },
        done: false,
        waitSeconds: Math.ceil(confirmed.waitSeconds),
        pagesStored,
      };
    };
    if (input.cursor.pagesRead === true) return confirm(0);
    let pagesStored = 0;
    const progress = await readItemsPages(deps.spotify, input.playlistId, input.cursor, {
      pageSize: deps.pageSize,
      maxPages: deps.maxPages,
      onPage: async (offset, page) => {
        await deps.store.put(rawItemsPageKey(input.date, input.playlistId, offset), page.body);
        pagesStored += 1;
      },
    });
    if (progress.next === null) return confirm(pagesStored);
    return {
      ...carried,
      cursor: progress.next,
      done: false,
      // A Wait state's SecondsPath takes whole seconds; rounding up never waits less than asked.
      waitSeconds: Math.ceil(progress.waitSeconds ?? 0),
      pagesStored,
    };
  };
