/** ValidateInput's logic: the request's rules, then which dates are extracted, rebuilt or skipped. */
import { utcDateOf } from '../../core/dates';
import type { IsoDate } from '../../core/dates';
import { landedRaw } from '../../core/lake/landed';
import type { BlobStore, Clock, DateLeases } from '../../core/ports';
import { parseRunRequest, type PlannedDate } from '../../core/run-input';
import type { ValidateInputInput, ValidateInputOutput } from './contract';

/** What ValidateInput needs: today's date, the raw snapshots already landed, the configured playlists, the date leases. */
export interface ValidateInputDeps {
  readonly clock: Clock;
  readonly store: BlobStore;
  /** The playlists a run reads when its input names none. */
  readonly defaultPlaylists: readonly string[];
  /** One writer per date: the run leases every date it will write. */
  readonly leases: DateLeases;
}

/** Whether a raw snapshot landed for `date`: of any playlist, or of one of `playlistIds` when given (a playlist.json or a page, as Normalise reads them). */
const hasRawSnapshot = async (store: BlobStore, date: IsoDate, playlistIds: readonly string[] | undefined): Promise<boolean> => {
  const { landed } = await landedRaw(store, date);
  return playlistIds === undefined ? landed.size > 0 : playlistIds.some((id) => landed.has(id));
};

/**
 * Plans the run. Scheduled and manual dates are extracted from Spotify as it is now; a backfill
 * rebuilds each date from its raw snapshots (Spotify serves only the current state), its own
 * playlists unless the input named some (Normalise reads which), extracts today fresh, and skips dates
 * with nothing landed rather than inventing them.
 * Then it leases the planned dates to this execution (RecordRun or NotifyFailure gives them
 * back), so a second run for a date in use is refused here with DateInUseError before it writes anything.
 */
export const runValidateInput =
  (deps: ValidateInputDeps) =>
  async (input: ValidateInputInput): Promise<ValidateInputOutput> => {
    const now = deps.clock.now();
    const today = utcDateOf(now);
    const request = parseRunRequest(input.request, today, deps.defaultPlaylists);
    const rebuildLanded = request.mode === 'backfill' && !request.playlistsNamed;
    const dates: PlannedDate[] = [];
    const skipped: IsoDate[] = [];
    for (const date of request.dates) {
      if (request.mode !== 'backfill' || date === today) dates.push({ date, extract: true });
      else if (await hasRawSnapshot(deps.store, date, rebuildLanded ? undefined : request.playlistIds)) dates.push({ date, extract: false });
      else skipped.push(date);
    }
    await deps.leases.acquire(dates.map(({ date }) => date), input.executionName);
    return {
      run: { mode: request.mode, executionName: input.executionName, startedAt: now.toISOString(), full: request.full },
      playlistIds: request.playlistIds,
      rebuildLanded,
      dates,
      skipped,
      // Only an extracted date calls Spotify: a backfill of past dates needs no token, nor consent.
      readsSpotify: dates.some(({ extract }) => extract),
    };
  };
