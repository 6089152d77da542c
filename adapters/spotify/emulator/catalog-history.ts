/**
 * How the built-in catalog lives from one date to the next: deterministically by date, some
 * playlists gain, lose and reorder entries and others never change, so runs on consecutive
 * dates see a history (and snapshot-aware extraction has something to carry over and something to read).
 *
 * A playlist's contents on a date are a list of source positions into its entry generator: the
 * first `size` positions on the catalog's first day ({@link historyStart}), then one edit per day
 * on which it changes (a day picked from the seed and the date). Positions past `size` are entries
 * added later; each remembers the date it was added on.
 */
import { addDays, daysBetween, type IsoDate } from '../../../core/dates';
import { randomFor } from './random';

/** The catalog's first day: a date before it serves every playlist as generated. */
export const historyStart = '2026-11-01';

/** A playlist's contents on one date. */
export interface PlaylistVersion {
  /** How many days it changed on, up to the date: 0 is the generated playlist. */
  readonly version: number;
  /** The source position of each entry, in playlist order. */
  readonly positions: readonly number[];
  /** When each added source position was added (`YYYY-MM-DDT06:00:00Z`). */
  readonly addedOn: ReadonlyMap<number, string>;
}

/** Whether `key` changes on `date`: `rate` of days, from the seed and the date only. */
const changesOn = (seed: number, key: string, date: IsoDate, rate: number): boolean => randomFor(seed, 'history-day', key, date).chance(rate);

/**
 * The playlist's contents on `date` when it changes on `rate` of days (0: never). Each day it
 * changes gets one edit: 1–3 entries added at the end, one removed, or one moved (a reorder,
 * which Spotify also answers with a new snapshot id).
 */
export const versionOn = (seed: number, key: string, size: number, rate: number, date: IsoDate | undefined): PlaylistVersion => {
  const positions = Array.from({ length: size }, (_, i) => i);
  const addedOn = new Map<number, string>();
  let version = 0;
  let next = size;
  if (date === undefined || rate === 0 || date <= historyStart) return { version, positions, addedOn };
  for (let day = 1; day <= daysBetween(historyStart, date); day += 1) {
    const today = addDays(historyStart, day);
    if (!changesOn(seed, key, today, rate)) continue;
    version += 1;
    const random = randomFor(seed, 'history-edit', key, today);
    const edit = positions.length < 2 ? 0 : random.int(0, 2);
    if (edit === 0) {
      for (let n = random.int(1, 3); n > 0; n -= 1) {
        addedOn.set(next, `${today}T06:00:00Z`);
        positions.push(next);
        next += 1;
      }
    } else if (edit === 1) {
      positions.splice(random.int(0, positions.length - 1), 1);
    } else {
      // From anywhere but the top to the top: always a real move.
      const [moved] = positions.splice(random.int(1, positions.length - 1), 1);
      positions.unshift(moved as number);
    }
  }
  return { version, positions, addedOn };
};
