/**
 * The run manifest of a date (`runs/snapshot_date=D/manifest.json`, DESIGN §4): what was read,
 * what was written, what could not be normalised, the checks and the run's status. Written by
 * the normalise step, completed by the run's last step, read back by operators and backfills.
 */
import * as t from 'io-ts';
import { IsoDateString } from '../dates';
import { nullable } from '../decode';
import { Reject, type Normalised } from '../normalise';
import { tableNames, type TableName } from '../tables';
import type { IsoDate } from './keys';

/** How many rejects the manifest lists; `rejectCount` still counts all of them. */
export const maxManifestRejects = 100;

/** One validation check's outcome: `count` offending keys, of which `offending` lists the first few. */
export const CheckResult = t.type({
  name: t.string,
  passed: t.boolean,
  count: t.number,
  offending: t.array(t.string),
});
export type CheckResult = t.TypeOf<typeof CheckResult>;

/** Where a date's run stands: rows written (`normalised`), checked and done, failed, or nothing to rebuild (`skipped`). */
export const RunStatus = t.keyof({ normalised: null, succeeded: null, failed: null, skipped: null });
export type RunStatus = t.TypeOf<typeof RunStatus>;

/** What started the run (DESIGN §1). */
export const RunMode = t.keyof({ scheduled: null, manual: null, backfill: null });
export type RunMode = t.TypeOf<typeof RunMode>;

/**
 * One playlist of the date; `snapshotId` and `totalItems` are null when its playlist object did not decode.
 * `rejects` counts its reject records, `lostEntries` the entries they cost (see {@link Normalised}).
 */
export const ManifestPlaylist = t.type({
  playlistId: t.string,
  snapshotId: nullable(t.string),
  totalItems: nullable(t.number),
  rows: t.number,
  rejects: t.number,
  lostEntries: t.number,
});
export type ManifestPlaylist = t.TypeOf<typeof ManifestPlaylist>;

/** Rows written per curated table; every table is present, 0 when it got none. */
export const TableCounts = t.type(
  Object.fromEntries(tableNames.map((name) => [name, t.number])) as Record<TableName, t.NumberC>,
);
export type TableCounts = t.TypeOf<typeof TableCounts>;

/** The run manifest of one snapshot date. Timestamps are ISO-8601 strings in UTC. */
export const RunManifest = t.type({
  snapshotDate: IsoDateString,
  status: RunStatus,
  mode: RunMode,
  executionName: nullable(t.string),
  /** When Spotify was read for this date; null when the run rebuilt from raw snapshots already landed. */
  extractedAt: nullable(t.string),
  updatedAt: t.string,
  playlists: t.array(ManifestPlaylist),
  tables: TableCounts,
  /** The first {@link maxManifestRejects} rejects, in the order they were found. */
  rejects: t.array(Reject),
  rejectCount: t.number,
  checks: t.array(CheckResult),
  error: nullable(t.type({ name: t.string, message: t.string })),
});
export type RunManifest = t.TypeOf<typeof RunManifest>;

/** What {@link buildManifest} needs besides the normalised rows. */
export interface ManifestInput {
  readonly snapshotDate: IsoDate;
  readonly status: RunStatus;
  readonly mode: RunMode;
  readonly executionName: string | null;
  readonly extractedAt: string | null;
  readonly updatedAt: string;
  readonly normalised: Normalised;
  /** @default [] */
  readonly checks?: readonly CheckResult[];
  /** @default null */
  readonly error?: { readonly name: string; readonly message: string } | null;
}

/**
 * The manifest of a date's normalised rows: counts per playlist and per table, and the rejects
 * (the first {@link maxManifestRejects} listed, all counted). Playlists appear in the order they
 * were normalised; one whose object did not decode still appears, from its items or rejects.
 * @example
 * buildManifest({ snapshotDate: '2026-11-20', status: 'normalised', mode: 'scheduled', executionName: null,
 *   extractedAt: '2026-11-20T06:00:05.000Z', updatedAt: '2026-11-20T06:01:00.000Z', normalised }).tables.songs // 386
 */
export const buildManifest = (input: ManifestInput): RunManifest => {
  const { tables: rows, rejects, lostEntries } = input.normalised;
  const playlists = new Map<string, ManifestPlaylist>();
  const playlistOf = (playlistId: string): ManifestPlaylist => {
    const found = playlists.get(playlistId) ?? { playlistId, snapshotId: null, totalItems: null, rows: 0, rejects: 0, lostEntries: 0 };
    playlists.set(playlistId, found);
    return found;
  };
  for (const row of rows.playlists) {
    Object.assign(playlistOf(row.playlist_id), { snapshotId: row.snapshot_id, totalItems: row.total_items });
  }
  for (const row of rows.playlist_items) playlistOf(row.playlist_id).rows += 1;
  for (const reject of rejects) playlistOf(reject.playlistId).rejects += 1;
  for (const playlist of playlists.values()) playlist.lostEntries = lostEntries[playlist.playlistId] ?? 0;
  return {
    snapshotDate: input.snapshotDate,
    status: input.status,
    mode: input.mode,
    executionName: input.executionName,
    extractedAt: input.extractedAt,
    updatedAt: input.updatedAt,
    playlists: [...playlists.values()],
    tables: Object.fromEntries(tableNames.map((name) => [name, rows[name].length])) as TableCounts,
    rejects: rejects.slice(0, maxManifestRejects),
    rejectCount: rejects.length,
    checks: [...(input.checks ?? [])],
    error: input.error ? { name: input.error.name, message: input.error.message } : null,
  };
};
