/** ExtractItems' logic: land pages as raw, within a page budget, and hand back the cursor. */
import { readItemsPages } from '../../core/extract';
import { rawItemsPageKey } from '../../core/lake/keys';
import type { BlobStore, SpotifyApi } from '../../core/ports';
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
 * Reads pages from the cursor and stores each body as received (never re-serialised). Returns
 * `done` when the playlist is read, or the cursor to resume at; a short Retry-After comes back as
 * `waitSeconds` so the machine waits in a Wait state instead of in a Lambda.
 */
export const runExtractItems =
  (deps: ExtractItemsDeps) =>
  async (input: ExtractItemsInput): Promise<ExtractItemsOutput> => {
    let pagesStored = 0;
    const progress = await readItemsPages(deps.spotify, input.playlistId, input.cursor, {
      pageSize: deps.pageSize,
      maxPages: deps.maxPages,
      onPage: async (offset, page) => {
        await deps.store.put(rawItemsPageKey(input.date, input.playlistId, offset), page.body);
        pagesStored += 1;
      },
    });
    return {
      date: input.date,
      playlistId: input.playlistId,
      cursor: progress.next ?? { offset: input.cursor.total, total: input.cursor.total },
      done: progress.next === null,
      // A Wait state's SecondsPath takes whole seconds; rounding up never waits less than asked.
      waitSeconds: Math.ceil(progress.waitSeconds ?? 0),
      pagesStored,
    };
  };
