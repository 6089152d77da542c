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
  /** The item's entries in playlist order. */
  readonly entries: Item[];
}

const tally = (rows: readonly Item[]): Map<string, Tally> => {
  const counts = new Map<string, Tally>();
  for (const row of [...rows].sort((a, b) => a.position - b.position)) {
    const item = itemOf(row);
    if (item === undefined) continue;
    const key = `${item.type}\u0000${item.id}`;
    const found = counts.get(key);
    if (found === undefined) counts.set(key, { ...item, entries: [row] });
    else found.entries.push(row);
  }
  return counts;
};

/** Oldest first: a null added_at counts as oldest; equal times keep playlist order (the sort is stable). */
const byAddedAt = (a: Item, b: Item): number => {
  if (a.added_at === null || b.added_at === null) return (a.added_at === null ? 0 : 1) - (b.added_at === null ? 0 : 1);
  return a.added_at.getTime() - b.added_at.getTime();
};

/**
 * The entry whose added_at and added_by an `added` row of `count` occurrences carries. Only the
 * counts are compared, so which entries are the added ones is inferred: the `count` most recently
 * added (a copy added again must not take the time of the copy that was already there, years
 * before), and of those the earliest with a time; null only when none of them has one.
 */
const addedEntry = (entries: readonly Item[], count: number): Item | undefined => {
  const added = [...entries].sort(byAddedAt).slice(-count);
  return added.find((entry) => entry.added_at !== null) ?? added[0];
};

/**
 * One row per item whose number of occurrences differs between the previous snapshot's entries
 * and the current one's: `added` with the difference k and the added_at and added_by of the
 * earliest entry with a time among the item's k most recently added entries, or `removed` with the
 * difference and nulls. Rows come sorted by change, item type and id, so the same snapshots give
 * the same bytes.
 * @example playlistChanges('p1', '2026-11-19', [s1], [s1, s1, s2]) // added s1 ×1, added s2 ×1
 */
export const playlistChanges = (playlistId: string, previousDate: IsoDate, previous: readonly Item[], current: readonly Item[]): Change[] => {
  const before = tally(previous);
  const after = tally(current);
  const changes: Change[] = [];
  for (const [key, now] of after) {
    const was = before.get(key)?.entries.length ?? 0;
    if (now.entries.length > was) {
      const first = addedEntry(now.entries, now.entries.length - was);
      changes.push({
        playlist_id: playlistId,
        previous_snapshot_date: previousDate,
        change: 'added',
        item_type: now.type,
        item_id: now.id,
        occurrences: now.entries.length - was,
        added_at: first?.added_at ?? null,
        added_by: first?.added_by ?? null,
      });
    }
  }
  for (const [key, was] of before) {
    const now = after.get(key)?.entries.length ?? 0;
    if (was.entries.length > now) {
      changes.push({
        playlist_id: playlistId,
        previous_snapshot_date: previousDate,
        change: 'removed',
        item_type: was.type,
        item_id: was.id,
        occurrences: was.entries.length - now,
        added_at: null,
        added_by: null,
      });
    }
  }
  return changes.sort((a, b) => `${a.change} ${a.item_type} ${a.item_id}`.localeCompare(`${b.change} ${b.item_type} ${b.item_id}`));
};
