/** StartValidation's logic: the date's validation query, with the counts its manifest recorded. */
import { validationSql } from '../../core/checks';
import { ValidationFailedError } from '../../core/errors';
import { runManifestKey } from '../../core/lake/keys';
import { readManifest } from '../../core/manifests';
import type { BlobStore, QueryEngine } from '../../core/ports';
import type { StartValidationInput, StartValidationOutput } from './contract';

/** What StartValidation needs: the manifests and the query engine. */
export interface StartValidationDeps {
  readonly store: BlobStore;
  readonly queries: QueryEngine;
}

/** Starts the validation query of the date and returns its id. */
export const runStartValidation =
  (deps: StartValidationDeps) =>
  async (input: StartValidationInput): Promise<StartValidationOutput> => {
    const manifest = await readManifest(deps.store, input.date);
    if (manifest === undefined) {
      throw new ValidationFailedError(
        `There is no run manifest at ${runManifestKey(input.date)} to validate ${input.date} against: Normalise did not finish for that date; rerun it.`,
      );
    }
    const lostEntriesByPlaylist = Object.fromEntries(manifest.playlists.map((playlist) => [playlist.playlistId, playlist.lostEntries]));
    const queryId = await deps.queries.start(validationSql(input.date, { tables: manifest.tables, lostEntriesByPlaylist }));
    return { date: input.date, queryId, state: 'running', polls: 0 };
  };
