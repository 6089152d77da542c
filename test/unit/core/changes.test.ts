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

  it('counts occurrences: a second copy added is one added row with its own added_at and added_by; a new item takes its earliest copy\'s', () => {
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
      { playlist_id: 'p1', previous_snapshot_date: '2026-11-19', change: 'added', item_type: 'track', item_id: 's1', occurrences: 1, added_at: new Date('2026-11-20T09:00:00Z'), added_by: 'friend' },
      { playlist_id: 'p1', previous_snapshot_date: '2026-11-19', change: 'added', item_type: 'track', item_id: 's2', occurrences: 2, added_at: new Date('2026-11-20T08:00:00Z'), added_by: 'owner' },
    ]);
  });

  it('dates a copy added again by the newest entries, not by the copies that were already there years before', () => {
    // Prepare: three copies since 2023, a fourth added on 2026-11-29 (Spotify puts it anywhere)
    const old = [
      entry(0, 'track', 's1', '2023-03-01T00:00:00Z', 'owner'),
      entry(1, 'track', 's1', '2023-05-01T00:00:00Z', 'owner'),
      entry(3, 'track', 's1', '2024-01-01T00:00:00Z', 'owner'),
    ];
    const after = [...old, entry(2, 'track', 's1', '2026-11-29T12:00:00Z', 'friend'), entry(4, 'track', 's2', '2026-11-29T13:00:00Z', 'friend')];
    const twoMore = [...after, entry(5, 'track', 's2', '2026-11-30T08:00:00Z', 'owner')];
    // Act
    const fourth = playlistChanges('p1', '2026-11-28', old, after);
    const two = playlistChanges('p1', '2026-11-28', old.slice(0, 2), twoMore);
    // Assess
    expect(fourth.map((c) => [c.item_id, c.occurrences, c.added_at, c.added_by])).toEqual([
      ['s1', 1, new Date('2026-11-29T12:00:00Z'), 'friend'],
      ['s2', 1, new Date('2026-11-29T13:00:00Z'), 'friend'],
    ]);
    // Two of s1's copies are new (the 2024 and 2026 ones): the earlier of those two.
    expect(two.map((c) => [c.item_id, c.occurrences, c.added_at, c.added_by])).toEqual([
      ['s1', 2, new Date('2024-01-01T00:00:00Z'), 'owner'],
      ['s2', 2, new Date('2026-11-29T13:00:00Z'), 'friend'],
    ]);
  });

  it('counts an entry without added_at as the oldest, and gives a null added_at only when every added entry lacks one', () => {
    // Prepare
    const before = [entry(0, 'track', 's1', null, 'owner'), entry(1, 'local', 'spotify:local:a', null, 'owner')];
    const after = [
      entry(0, 'track', 's1', '2026-11-20T09:00:00Z', 'friend'),
      entry(1, 'track', 's1', null, 'owner'),
      entry(2, 'local', 'spotify:local:a', null, 'owner'),
      entry(3, 'local', 'spotify:local:a', null, 'friend'),
    ];
    // Act
    const changes = playlistChanges('p1', '2026-11-19', before, after);
    // Assess: equal (null) times keep playlist order, so the later copy is the added one
    expect(changes.map((c) => [c.item_id, c.occurrences, c.added_at, c.added_by])).toEqual([
      ['spotify:local:a', 1, null, 'friend'],
      ['s1', 1, new Date('2026-11-20T09:00:00Z'), 'friend'],
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
