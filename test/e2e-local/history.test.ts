/**
 * A playlist's history through the whole local pipeline: an unchanged playlist costs one Web API
 * request and lands the same rows; playlist_changes holds exactly the occurrences that differ
 * between a snapshot and the previous one; the built-in emulator's catalog lives from day to day.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRun } from '../../cli/commands/run';
import { queryLake } from '../../cli/local/lake-reader';
import type { RunSummary } from '../../cli/local/summary';
import { tableNames } from '../../core/tables';
import { captureIo } from '../support/cli-io';
import { tempFolderForSuite } from '../support/temp-folders';

const fixtures = fileURLToPath(new URL('../fixtures/spotify/', import.meta.url));
const realPayloads = join(fixtures, 'real');

type Entry = { added_at: string; is_local: boolean; track: { id: string | null; uri: string; type: string } | null };

const entriesOf = (file: string): Entry[] => {
  const json = JSON.parse(readFileSync(join(fixtures, file), 'utf8')) as { items?: Entry[] | { items: Entry[] }; tracks?: { items: Entry[] } };
  if (Array.isArray(json.items)) return json.items;
  return json.items?.items ?? json.tracks?.items ?? [];
};

/** A pages-only fixture of `entries` for playlist `id`: the emulator derives its snapshot id from them. */
const pageFixture = (id: string, entries: readonly Entry[]) => ({
  href: `https://api.spotify.com/v1/playlists/${id}/tracks?offset=0&limit=100`,
  items: entries,
  limit: 100,
  next: null,
  offset: 0,
  previous: null,
  total: entries.length,
});

const runner = (lake: () => string) => {
  let now = new Date();
  return async (date: string, args: string[]): Promise<RunSummary> => {
    now = new Date(`${date}T06:00:00Z`);
    const io = captureIo(lake());
    const code = await createRun({ clock: { now: () => now } })([...args, '--lake', lake(), '--json'], io);
    expect(code, io.stderr()).toBe(0);
    return JSON.parse(io.stdout()) as RunSummary;
  };
};

describe('an unchanged playlist on the next date', () => {
  const lake = tempFolderForSuite('spotify-etl-history-same-');
  const run = runner(lake);

  it('costs one Web API request per playlist and lands tables equal to the first date\'s but for snapshot_date', async () => {
    // Prepare
    const first = await run('2026-11-20', ['--fixtures', realPayloads]);
    // Act
    const second = await run('2026-11-21', ['--fixtures', realPayloads]);
    // Assess
    expect(second.requests.spotifyApi).toBe(second.playlists.length);
    expect(first.requests.spotifyApi).toBeGreaterThan(2 * first.playlists.length);
    expect(Object.values(second.dates[0]?.playlistOutcomes ?? {})).toEqual(second.playlists.map(() => 'unchanged'));
    for (const table of tableNames) {
      const rows = async (date: string) =>
        (await queryLake(lake(), `SELECT * EXCLUDE (snapshot_date) FROM ${table} WHERE CAST(snapshot_date AS VARCHAR) = '${date}' ORDER BY ALL`)).map((row) => JSON.stringify(row));
      expect(await rows('2026-11-21'), table).toEqual(await rows('2026-11-20'));
    }
  });
});

describe('playlist_changes over fixtures of several dates', () => {
  const lake = tempFolderForSuite('spotify-etl-history-changes-');
  const run = runner(lake);
  const changing = '0historyChanging000001';
  const steady = '0historySteady00000001';
  const [t0, t1, t2, t3] = entriesOf('real/zmb3__playlist_5lH9NjOeJvctAO92ZrKQNB_DutchTop40__GET_tracks.json') as [Entry, Entry, Entry, Entry];
  const [ep0, ep1] = entriesOf('real/zmb3__playlist_23Ay9WfURne0LvtlCvYTkj__GET_tracks_episodes_and_tracks.json') as [Entry, Entry];
  const local = entriesOf('real/joostlek__playlist_Starred__GET_playlist_with_local_file.json').find((entry) => entry.is_local) as Entry;
  const unavailable = entriesOf('null-entry.page.json')[1] as Entry;
  const days: Record<string, Record<string, Entry[]>> = {
    '2026-11-10': { [changing]: [t0, t1, t2, local, ep0, unavailable], [steady]: [t3, t0] },
    // t1 twice more than once, t3 and ep1 new, t2 and the local file gone, one more unavailable entry.
    '2026-11-11': { [changing]: [t0, t1, t1, t3, ep0, ep1, unavailable, unavailable], [steady]: [t3, t0] },
    // The changing playlist is absent: the next date compares with 2026-11-11.
    '2026-11-12': { [steady]: [t3, t0] },
    '2026-11-13': { [changing]: [t3, t0, ep1], [steady]: [t3, t0] },
  };
  const idOf = (entry: Entry): string => (entry.is_local ? (entry.track?.uri ?? '') : (entry.track?.id ?? ''));
  const added = (date: string, previous: string, type: string, entry: Entry, occurrences: number) =>
    [date, changing, previous, 'added', type, idOf(entry), occurrences, entry.added_at];
  const removed = (date: string, previous: string, type: string, entry: Entry, occurrences: number) =>
    [date, changing, previous, 'removed', type, idOf(entry), occurrences, null];

  it('holds one row per item whose occurrences differ from the previous snapshot, and none for a first or unchanged snapshot', async () => {
    // Prepare
    for (const [date, playlists] of Object.entries(days)) {
      const dir = join(lake(), '..', `fixtures-${date}`);
      mkdirSync(dir, { recursive: true });
      for (const [id, entries] of Object.entries(playlists)) writeFileSync(join(dir, `${id}.json`), JSON.stringify(pageFixture(id, entries)));
      // Act
      await run(date, ['--fixtures', dir]);
    }
    // Assess
    const rows = await queryLake(
      lake(),
      `SELECT CAST(snapshot_date AS VARCHAR) AS d, playlist_id, previous_snapshot_date, change, item_type, item_id, occurrences, strftime(added_at, '%Y-%m-%dT%H:%M:%SZ') AS added_at
       FROM playlist_changes ORDER BY d, change, item_type, item_id`,
    );
    expect(rows.map((row) => [row.d, row.playlist_id, row.previous_snapshot_date, row.change, row.item_type, row.item_id, Number(row.occurrences), row.added_at])).toEqual(
      [
        added('2026-11-11', '2026-11-10', 'episode', ep1, 1),
        added('2026-11-11', '2026-11-10', 'track', t1, 1),
        added('2026-11-11', '2026-11-10', 'track', t3, 1),
        removed('2026-11-11', '2026-11-10', 'local', local, 1),
        removed('2026-11-11', '2026-11-10', 'track', t2, 1),
        removed('2026-11-13', '2026-11-11', 'episode', ep0, 1),
        removed('2026-11-13', '2026-11-11', 'track', t1, 2),
      ].sort((a, b) => JSON.stringify(a.slice(0, 6)).localeCompare(JSON.stringify(b.slice(0, 6)))),
    );
  });
});

describe('the built-in emulator over three consecutive dates', () => {
  const lake = tempFolderForSuite('spotify-etl-history-living-');
  const run = runner(lake);

  it('shows changes on the second and third dates, and playlist_history sizes equal the playlist_items counts', async () => {
    // Act
    const summaries = [];
    for (const date of ['2026-11-17', '2026-11-18', '2026-11-19']) summaries.push(await run(date, []));
    // Assess
    const changes = await queryLake(lake(), 'SELECT CAST(snapshot_date AS VARCHAR) AS d, COUNT(*) AS n FROM playlist_changes GROUP BY 1 ORDER BY 1');
    expect(changes.map((row) => row.d)).toEqual(['2026-11-18', '2026-11-19']);
    const outcomes = summaries.slice(1).flatMap((summary) => Object.values(summary.dates[0]?.playlistOutcomes ?? {}));
    expect(outcomes).toContain('unchanged');
    expect(outcomes).toContain('extracted');
    const sizes = await queryLake(
      lake(),
      `SELECT CAST(h.snapshot_date AS VARCHAR) AS d, h.playlist_id, h.size, (SELECT COUNT(*) FROM playlist_items i WHERE i.playlist_id = h.playlist_id AND i.snapshot_date = h.snapshot_date) AS items
       FROM playlist_history h ORDER BY 1, 2`,
    );
    expect(sizes.length).toBe(3 * (summaries[0]?.playlists.length ?? 0));
    for (const row of sizes) expect(Number(row.size), `${String(row.d)} ${String(row.playlist_id)}`).toBe(Number(row.items));
    const count = async (sql: string) => Number((await queryLake(lake(), sql))[0]?.n);
    expect(await count('SELECT COUNT(*) AS n FROM playlist_tracks')).toBe(await count('SELECT COUNT(*) AS n FROM playlist_items'));
    expect(await count('SELECT COUNT(*) AS n FROM latest_playlist_tracks')).toBe(
      await count("SELECT COUNT(*) AS n FROM playlist_items WHERE CAST(snapshot_date AS VARCHAR) = '2026-11-19'"),
    );
    expect(await count("SELECT COUNT(*) AS n FROM playlist_tracks WHERE item_type = 'track' AND (artist_names IS NULL OR primary_artist_name IS NULL)")).toBe(0);
  });

  it("holds in latest_playlist_tracks the rows playlist_tracks has for each playlist's own latest date", async () => {
    // Prepare: one playlist a date further than the rest, so the playlists' latest dates differ
    const [first] = (await queryLake(lake(), "SELECT playlist_id FROM playlists WHERE total_items > 0 ORDER BY playlist_id LIMIT 1")).map((row) => String(row.playlist_id));
    await run('2026-11-20', ['--playlists', first ?? '']);
    const latestOfEach = `SELECT t.* FROM playlist_tracks t
      JOIN (SELECT playlist_id, MAX(CAST(snapshot_date AS VARCHAR)) AS latest FROM playlists GROUP BY playlist_id) l
      ON l.playlist_id = t.playlist_id AND l.latest = t.snapshot_date`;
    // Act
    const missing = await queryLake(lake(), `SELECT COUNT(*) AS n FROM (${latestOfEach} EXCEPT ALL SELECT * FROM latest_playlist_tracks)`);
    const extra = await queryLake(lake(), `SELECT COUNT(*) AS n FROM (SELECT * FROM latest_playlist_tracks EXCEPT ALL ${latestOfEach})`);
    const dates = await queryLake(lake(), 'SELECT DISTINCT snapshot_date AS d FROM latest_playlist_tracks ORDER BY 1');
    // Assess
    expect([missing[0]?.n, extra[0]?.n]).toEqual([0, 0]);
    expect(dates.map((row) => row.d)).toEqual(['2026-11-19', '2026-11-20']);
  });
});
