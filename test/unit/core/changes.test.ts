import { describe, expect, it } from 'vitest';
import { playlistChanges } from '../../../core/changes';
import type { Row } from '../../../core/tables';

type Item = Row<'playlist_items'>;

const entry = (position: number, kind: 'track' | 'episode' | 'local' | 'unavailable', id: string | null, addedAt: string | null = '2026-11-01T00:00:00Z', by = 'owner'): Item => ({
  playlist_id: 'p1',
  position,
  item_type: kind,
  song_id: kind === 'track' ? id : null,
  episode_id: kind === 'episode' ? id : null,
  local_uri: kind === 'local' ? id : null,
  added_at: addedAt === null ? null : new Date(addedAt),
  added_by: by,
});

describe('playlistChanges', () => {
  it('yields nothing for the same entries in another order', () => {
    // Prepare
    const before = [entry(0, 'track', 's1'), entry(1, 'episode', 'e1'), entry(2, 'local', 'spotify:local:a')];
    const after = [entry(0, 'local', 'spotify:local:a'), entry(1, 'track', 's1'), entry(2, 'episode', 'e1')];
    // Act
    const changes = playlistChanges('p1', '2026-11-19', before, after);
    // Assess
    expect(changes).toEqual([]);
  });

  it('counts occurrences: a second copy added is one added row, the earliest copy gives added_at and added_by', () => {
    // Prepare
    const before = [entry(0, 'track', 's1', '2026-11-01T00:00:00Z', 'owner')];
    const after = [
      entry(0, 'track', 's1', '2026-11-01T00:00:00Z', 'owner'),
      entry(1, 'track', 's1', '2026-11-20T09:00:00Z', 'friend'),
      entry(2, 'track', 's2', '2026-11-20T10:00:00Z', 'friend'),
      entry(3, 'track', 's2', '2026-11-20T08:00:00Z', 'owner'),
    ];
    // Act
    const changes = playlistChanges('p1', '2026-11-19', before, after);
    // Assess
    expect(changes).toEqual([
      { playlist_id: 'p1', previous_snapshot_date: '2026-11-19', change: 'added', item_type: 'track', item_id: 's1', occurrences: 1, added_at: new Date('2026-11-01T00:00:00Z'), added_by: 'owner' },
      { playlist_id: 'p1', previous_snapshot_date: '2026-11-19', change: 'added', item_type: 'track', item_id: 's2', occurrences: 2, added_at: new Date('2026-11-20T08:00:00Z'), added_by: 'owner' },
    ]);
  });

  it('reports removals of every kind with null added_at and added_by, and ignores unavailable entries', () => {
    // Prepare
    const before = [entry(0, 'track', 's1'), entry(1, 'track', 's1'), entry(2, 'episode', 'e1'), entry(3, 'local', 'spotify:local:a'), entry(4, 'unavailable', null)];
    const after = [entry(0, 'track', 's1')];
    // Act
    const changes = playlistChanges('p1', '2026-11-18', before, after);
    // Assess
    expect(changes.map((c) => [c.change, c.item_type, c.item_id, c.occurrences, c.added_at, c.added_by])).toEqual([
      ['removed', 'episode', 'e1', 1, null, null],
      ['removed', 'local', 'spotify:local:a', 1, null, null],
      ['removed', 'track', 's1', 1, null, null],
    ]);
  });
});
