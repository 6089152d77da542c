/**
 * The run manifest of a date (`runs/snapshot_date=D/manifest.json`): which run is published for
 * the date and, apart from it, the last attempt: what it read and wrote, what could not be
 * normalised, its checks and where it stands. Normalise starts an attempt, EvaluateValidation
 * records its checks, RecordRun publishes it, NotifyFailure records its failure.
 */
import * as t from 'io-ts';
import { IsoDate } from '../dates';
import { nullable } from '../decode';
import { createNormaliser, Reject, type Normalised } from '../normalise';
import { RequestCounts } from '../requests';
import { tableNames, type TableName } from '../tables';
import { runIdOf } from './keys';

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

/**
 * Where one attempt at a date stands: candidate written (`normalised`), candidate passed every
 * check (`validated`), published (`succeeded`), `failed`, or nothing to rebuild (`skipped`).
 */
export const RunStatus = t.keyof({ normalised: null, validated: null, succeeded: null, failed: null, skipped: null });
export type RunStatus = t.TypeOf<typeof RunStatus>;

/** What started the run (DESIGN §1). */
export const RunMode = t.keyof({ scheduled: null, manual: null, backfill: null });
export type RunMode = t.TypeOf<typeof RunMode>;

/** Which playlist, and its snapshot id (null when its playlist object did not decode). */
const playlistSnapshotFields = { playlistId: t.string, snapshotId: nullable(t.string) };

/**
 * One playlist of the date; `snapshotId` and `totalItems` are null when its playlist object did not decode.
 * `rejects` counts its reject records, `lostEntries` the entries they cost (see {@link Normalised}).
 */
export const ManifestPlaylist = t.intersection([
  t.type({
    ...playlistSnapshotFields,
    totalItems: nullable(t.number),
    rows: t.number,
    rejects: t.number,
    lostEntries: t.number,
  }),
  /**
   * `unchanged`: its snapshot id is its previous snapshot's (carried over, no page read);
   * `extracted`: read, or new; `rejected`: some of it could not be normalised. Absent in older manifests.
   */
  t.partial({ outcome: t.keyof({ unchanged: null, extracted: null, rejected: null }) }),
]);
export type ManifestPlaylist = t.TypeOf<typeof ManifestPlaylist>;

/** Tables added after manifests were first written: absent from older manifests, which must still decode. */
const laterTables = ['playlist_changes'] as const satisfies readonly TableName[];
type LaterTable = (typeof laterTables)[number];
const isLater = (name: TableName): name is LaterTable => (laterTables as readonly TableName[]).includes(name);

/** Rows written per curated table; every table is present, 0 when it got none (a later table may be absent from an old manifest). */
export const TableCounts = t.intersection([
  t.type(
    Object.fromEntries(tableNames.filter((name) => !isLater(name)).map((name) => [name, t.number])) as Record<Exclude<TableName, LaterTable>, t.NumberC>,
  ),
  t.partial(Object.fromEntries(laterTables.map((name) => [name, t.number])) as Record<LaterTable, t.NumberC>),
]);
export type TableCounts = t.TypeOf<typeof TableCounts>;

/** Every table's count, 0 for a table the manifest predates. */
export const countsOf = (counts: TableCounts): Record<TableName, number> =>
  Object.fromEntries(tableNames.map((name) => [name, (counts as Partial<Record<TableName, number>>)[name] ?? 0])) as Record<TableName, number>;

/** One run's attempt at a date: what it read and wrote, its checks and where it stands. Timestamps are ISO-8601 UTC. */
export const RunAttempt = t.intersection([
  t.type({
    /** The folder of its candidate files (`run_id=<runId>`), derived from the execution name. */
    runId: t.string,
    executionName: t.string,
    mode: RunMode,
    status: RunStatus,
    /** When Spotify was read for this date; null when the run rebuilt from raw snapshots already landed. */
    extractedAt: nullable(t.string),
    updatedAt: t.string,
    /** When this attempt became the date's published data; null until then. */
    publishedAt: nullable(t.string),
    playlists: t.array(ManifestPlaylist),
    tables: TableCounts,
    /** The first {@link maxManifestRejects} rejects, in the order they were found. */
    rejects: t.array(Reject),
    rejectCount: t.number,
    checks: t.array(CheckResult),
    error: nullable(t.type({ name: t.string, message: t.string })),
  }),
  /** Recorded by RecordRun and NotifyFailure; absent in manifests written before they were. */
  t.partial({
    /**
     * The Spotify requests the attempt sent for the date, retries included: its playlists' Web
     * API and token requests, and on the run's first date also FetchToken's, so the dates of a
     * run add up to what it sent.
     */
    requests: RequestCounts,
    /** A throttled attempt only: when Spotify allows the run again (ISO-8601 UTC, Retry-After after the failure). */
    resumeAfter: t.string,
  }),
]);
export type RunAttempt = t.TypeOf<typeof RunAttempt>;

/** What every manifest starts with: its format and its date. */
const manifestHeaderFields = { version: t.literal(2), snapshotDate: IsoDate };

/**
 * The manifest of one snapshot date, `runs/snapshot_date=D/manifest.json`: the published run
 * (what every reader sees for the date, or null when nothing is) and, apart from it, the last
 * attempt and its outcome. Writing it is the one switch that publishes a date: one object, put
 * whole, names the run whose files all the tables read.
 */
export const RunManifest = t.intersection([
  t.type({
    ...manifestHeaderFields,
    published: nullable(RunAttempt),
    lastAttempt: RunAttempt,
  }),
  t.partial({
    /**
     * The run id of the run the published one replaced. Its files stay until the next run of the
     * date is published: a reader that read the manifest just before the switch still finds every
     * file it was told of (absent before the first replacement, and in manifests written before it was kept).
     */
    replacedRunId: t.string,
  }),
]);
export type RunManifest = t.TypeOf<typeof RunManifest>;

/**
 * The part of a manifest the history lookups read: the published run and each of its playlists'
 * snapshot id and rows. The
 * same field codecs as {@link RunManifest}, so a damaged field is named in the same words, but
 * nothing else of a manifest of 10,000 playlists is checked on each of its 10,000 lookups.
 */
export const PublishedSnapshots = t.type({
  ...manifestHeaderFields,
  published: nullable(t.type({ runId: t.string, playlists: t.array(t.type({ ...playlistSnapshotFields, rows: t.number })) })),
});
export type PublishedSnapshots = t.TypeOf<typeof PublishedSnapshots>;

/** What {@link buildAttempt} needs besides the normalised rows. */
export interface AttemptInput {
  readonly executionName: string;
  readonly status: RunStatus;
  readonly mode: RunMode;
  readonly extractedAt: string | null;
  readonly updatedAt: string;
  /** @default an empty result: an attempt that wrote nothing */
  readonly normalised?: Normalised;
  /** @default [] */
  readonly checks?: readonly CheckResult[];
  /** @default null */
  readonly error?: { readonly name: string; readonly message: string } | null;
}

/**
 * One attempt's record from its normalised rows: counts per playlist and per table, and the
 * rejects (the first {@link maxManifestRejects} listed, all counted). Playlists appear in the
 * order they were normalised; one whose object did not decode still appears, from its items or rejects.
 * @example
 * buildAttempt({ executionName: 'local-1', status: 'normalised', mode: 'scheduled',
 *   extractedAt: '2026-11-20T06:00:05.000Z', updatedAt: '2026-11-20T06:01:00.000Z', normalised }).tables.songs // 386
 */
export const buildAttempt = (input: AttemptInput): RunAttempt => {
  const { tables: rows, rejects, lostEntries } = input.normalised ?? createNormaliser().result();
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
    runId: runIdOf(input.executionName),
    executionName: input.executionName,
    mode: input.mode,
    status: input.status,
    extractedAt: input.extractedAt,
    updatedAt: input.updatedAt,
    publishedAt: null,
    playlists: [...playlists.values()],
    tables: Object.fromEntries(tableNames.map((name) => [name, rows[name].length])) as TableCounts,
    rejects: rejects.slice(0, maxManifestRejects),
    rejectCount: rejects.length,
    checks: [...(input.checks ?? [])],
    error: input.error ? { name: input.error.name, message: input.error.message } : null,
  };
};

/**
 * The manifest after `attempt`: the published run stays as it was unless the attempt is the
 * one being published, which then records the run it replaced. A first attempt at a date has
 * nothing published before it.
 */
export const withAttempt = (date: IsoDate, previous: RunManifest | undefined, attempt: RunAttempt): RunManifest => {
  const before = previous?.published ?? null;
  const replacing = attempt.status === 'succeeded' && before !== null && before.runId !== attempt.runId;
  const replacedRunId = replacing ? before.runId : previous?.replacedRunId;
  return {
    version: 2,
    snapshotDate: date,
    published: attempt.status === 'succeeded' ? attempt : before,
    lastAttempt: attempt,
    ...(replacedRunId === undefined ? {} : { replacedRunId }),
  };
};
