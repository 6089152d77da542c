/** StartValidation's logic: the validation query of this run's candidate, with the counts its attempt recorded. */
import { validationSql } from '../../core/checks';
import { countsOf } from '../../core/lake/manifest';
import { readOwnManifest } from '../../core/manifests';
import type { BlobStore, QueryEngine } from '../../core/ports';
import type { StartValidationInput, StartValidationOutput } from './contract';

/** What StartValidation needs: the manifests and the query engine. */
export interface StartValidationDeps {
  readonly store: BlobStore;
  readonly queries: QueryEngine;
}

/** Starts the validation query of the run's candidate for the date and returns its id. */
export const runStartValidation =
  (deps: StartValidationDeps) =>
  async (input: StartValidationInput): Promise<StartValidationOutput> => {
    const { lastAttempt } = await readOwnManifest(deps.store, input.date, input.executionName);
    const lostEntriesByPlaylist = Object.fromEntries(lastAttempt.playlists.map((playlist) => [playlist.playlistId, playlist.lostEntries]));
    const sql = validationSql(input.date, lastAttempt.runId, { tables: countsOf(lastAttempt.tables), lostEntriesByPlaylist });
    const queryId = await deps.queries.start(sql);
    return { date: input.date, executionName: input.executionName, queryId, state: 'running', polls: 0 };
  };
