/** Normalise: turns one date's raw playlists into this run's candidate Parquet tables and starts its attempt in the manifest. */
import * as t from 'io-ts';
import { IsoDate } from '../../core/dates';
import { ErrorName } from '../../core/errors';
import { TableCounts } from '../../core/lake/manifest';
import { PlannedDate, RunContext, SpotifyPlaylistId } from '../../core/run-input';
import { defineStep } from '../../core/step';

/**
 * The date, whether it was extracted fresh, the run's playlists, whether a rebuild reads the date's
 * own playlists instead (a backfill that named none: those of its published run, or every one
 * landed where nothing is published), and who started the run; `runDates`, every date the run
 * writes (an earlier one is a previous snapshot before it is published: core/history.ts), is
 * absent in payloads from before it existed.
 */
export const NormaliseInput = t.exact(
  t.intersection([
    t.type({ date: IsoDate, extract: t.boolean, playlistIds: t.array(SpotifyPlaylistId), allLanded: t.boolean, run: RunContext }),
    t.partial({ runDates: t.array(PlannedDate) }),
  ]),
);
export type NormaliseInput = t.TypeOf<typeof NormaliseInput>;

/**
 * What was written: playlists read, the run's playlists without raw data that date, rows and
 * rejects; `changesUntold`, the playlists whose changes could not be told because the file their
 * previous date published is damaged (they get no playlist_changes row), absent when there are none.
 */
export const NormaliseOutput = t.intersection([
  t.type({
    date: IsoDate,
    playlists: t.number,
    missing: t.array(t.string),
    tables: TableCounts,
    rejectCount: t.number,
  }),
  t.partial({ changesUntold: t.array(t.type({ playlistId: t.string, previousDate: IsoDate })) }),
]);
export type NormaliseOutput = t.TypeOf<typeof NormaliseOutput>;

/** The Normalise step. */
export const normalise = defineStep({
  stateName: 'Normalise',
  dir: 'normalise',
  input: NormaliseInput,
  output: NormaliseOutput,
  errors: [ErrorName.StorageUnavailable],
  timeoutSeconds: 900,
  // Reads raw/ (and a published date's playlist_items where a failed rerun cut its raw since: core/history.ts),
  // writes the run's candidate folder in curated/ (clearing a killed attempt's leftovers) and its attempt in runs/.
  resources: { lake: { read: ['raw/', 'runs/', 'curated/playlist_items/'], list: ['curated/'], write: ['curated/', 'runs/'], delete: ['curated/'] } },
});
