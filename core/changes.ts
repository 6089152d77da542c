/**
 * `playlist_changes`: what changed in a playlist between its previous snapshot and this date's,
 * computed from the two snapshots' playlist_items rows. Only the number of occurrences of each
 * item is compared, not positions: a reorder is no change, a duplicate added is one.
 */
import type { IsoDate } from './dates';
import type { Row } from './tables';

type Item = Row<'playlist_items'>;
type Change = Row<'playlist_changes'>;

/** The item an entry holds, or undefined for an entry without an id (`unavailable`), which is not compared. */
const itemOf = (row: Item): { type: 'track' | 'episode' | 'local'; id: string } | undefined => {
  if (row.item_type === 'track' && row.song_id !== null) return { type: 'track', id: row.song_id };
  if (row.item_type === 'episode' && row.episode_id !== null) return { type: 'episode', id: row.episode_id };
  if (row.item_type === 'local' && row.local_uri !== null) return { type: 'local', id: row.local_uri };
  return undefined;
};

interface Tally {
  readonly type: 'track' | 'episode' | 'local';
  readonly id: string;
  count: number;
  /** The earliest-added entry of the item (null added_at sorts last), for an added row. */
  first: Item;
}

const earlier = (a: Item, b: Item): boolean =>
  a.added_at !== null && (b.added_at === null || a.added_at.getTime() < b.added_at.getTime());

const tally = (rows: readonly Item[]): Map<string, Tally> => {
  const counts = new Map<string, Tally>();
  for (const row of rows) {
    const item = itemOf(row);
    if (item === undefined) continue;
    const key = `${item.type}\u0000${item.id}`;
    const found = counts.get(key);
    if (found === undefined) counts.set(key, { ...item, count: 1, first: row });
    else {
      found.count += 1;
      if (earlier(row, found.first)) found.first = row;
    }
  }
  return counts;
};

/**
 * One row per item whose number of occurrences differs between the previous snapshot's entries
 * and the current one's: `added` with the difference and the earliest added entry's added_at and
 * added_by, or `removed` with the difference and nulls. Rows come sorted by change, item type and
 * id, so the same snapshots give the same bytes.
 * @example playlistChanges('p1', '2026-11-19', [s1], [s1, s1, s2]) // added s1 ×1, added s2 ×1
 */
export const playlistChanges = (playlistId: string, previousDate: IsoDate, previous: readonly Item[], current: readonly Item[]): Change[] => {
  const before = tally(previous);
  const after = tally(current);
  const changes: Change[] = [];
  for (const [key, now] of after) {
    const was = before.get(key)?.count ?? 0;
    if (now.count > was) {
      changes.push({
        playlist_id: playlistId,
        previous_snapshot_date: previousDate,
        change: 'added',
        item_type: now.type,
        item_id: now.id,
        occurrences: now.count - was,
        added_at: now.first.added_at,
        added_by: now.first.added_by,
      });
    }
  }
  for (const [key, was] of before) {
    const now = after.get(key)?.count ?? 0;
    if (was.count > now) {
      changes.push({
        playlist_id: playlistId,
        previous_snapshot_date: previousDate,
        change: 'removed',
        item_type: was.type,
        item_id: was.id,
        occurrences: was.count - now,
        added_at: null,
        added_by: null,
      });
    }
  }
  return changes.sort((a, b) => `${a.change} ${a.item_type} ${a.item_id}`.localeCompare(`${b.change} ${b.item_type} ${b.item_id}`));
};
