/**
 * Recorded Spotify responses served by the emulator (`--fixtures`), through the whole pipeline:
 * every entry in the files becomes exactly one playlist_items row of its playlist.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRun } from '../../cli/commands/run';
import { queryLake } from '../../cli/local/lake-reader';
import type { RunSummary } from '../../cli/local/summary';
import { captureIo } from '../support/cli-io';
import { tempFolderForSuite } from '../support/temp-folders';

/** The real payloads vendored in test/fixtures/spotify/real/ (its MANIFEST.md). */
const realPayloads = fileURLToPath(new URL('../fixtures/spotify/real/', import.meta.url));

type Json = { type?: string; id?: string; href?: string; offset?: number; items?: unknown; tracks?: unknown };

/** The distinct entry offsets of each playlist across the files, from playlist objects and item pages alike. */
const entriesInFiles = (dir: string): Record<string, number> => {
  const offsets = new Map<string, Set<number>>();
  const add = (id: string, start: number, items: unknown[]): void => {
    const set = offsets.get(id) ?? new Set<number>();
    items.forEach((_, index) => set.add(start + index));
    offsets.set(id, set);
  };
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.json'))) {
    const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Json;
    const embedded = (json.items ?? json.tracks) as Json | undefined;
    const pageOf = /\/playlists\/([0-9A-Za-z]{22})\/(?:tracks|items)/.exec(json.href ?? '')?.[1];
    if (json.type === 'playlist' && json.id !== undefined && Array.isArray(embedded?.items)) add(json.id, embedded.offset ?? 0, embedded.items);
    else if (pageOf !== undefined && Array.isArray(json.items)) add(pageOf, json.offset ?? 0, json.items);
  }
  return Object.fromEntries([...offsets].map(([id, set]) => [id, set.size]));
};

describe('a run over recorded Spotify responses', () => {
  const lake = tempFolderForSuite('spotify-etl-fixtures-');

  it('succeeds, and each playlist has one playlist_items row per entry in the files', async () => {
    // Prepare
    const io = captureIo(lake());
    const expected = entriesInFiles(realPayloads);
    // Act
    const code = await createRun({ clock: { now: () => new Date('2026-11-21T10:00:00Z') } })(
      ['--fixtures', realPayloads, '--date', '2026-11-20', '--json', '--lake', lake()],
      io,
    );
    // Assess
    const summary = JSON.parse(io.stdout()) as RunSummary;
    expect(code).toBe(0);
    expect(summary.dates).toMatchObject([{ date: '2026-11-20', action: 'extracted', status: 'succeeded', checksFailed: [] }]);
    expect([...summary.playlists].sort()).toEqual(Object.keys(expected).sort());
    const rows = await queryLake(lake(), "SELECT playlist_id, COUNT(*) AS n FROM playlist_items WHERE CAST(snapshot_date AS VARCHAR) = '2026-11-20' GROUP BY playlist_id");
    expect(Object.fromEntries(rows.map((row) => [row['playlist_id'], Number(row['n'])]))).toEqual(expected);
    expect(Object.values(expected).reduce((a, b) => a + b, 0)).toBe(97);
  });
});
